import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlob, pushImage, pushManifest, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { layerA, ociImage } from '../fixtures/oci/images.js';

interface TagList {
  name: string;
  tags: string[];
}

/** Pushes as many tags, in the given (unsorted) order, all on one manifest. */
async function tagAll(server: TestServer, repo: string, tags: readonly string[]): Promise<void> {
  const image = await pushImage(server, repo);
  for (const tag of tags) await pushManifest(server, repo, image, tag);
}

describe('tags list', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  it('lists tags in lexical (code point) order', async () => {
    await tagAll(server, repo, ['latest', 'b', 'Z', '1.0', 'a', '_x', 'A-1']);
    const res = await server.get(`/v2/${repo}/tags/list`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json<TagList>()).toEqual({ name: repo, tags: ['1.0', 'A-1', 'Z', '_x', 'a', 'b', 'latest'] });
    expect(res.headers.link).toBeUndefined();
  });

  it('pages with n and last, giving a Link to the next page', async () => {
    await tagAll(server, repo, ['e', 'd', 'c', 'b', 'a']);
    const first = await server.get(`/v2/${repo}/tags/list?n=2`);
    expect(first.json<TagList>().tags).toEqual(['a', 'b']);
    expect(first.headers.link).toBe(`</v2/${repo}/tags/list?n=2&last=b>; rel="next"`);

    const next = /^<([^>]+)>/.exec(first.headers.link as string)![1]!;
    const second = await server.get(next);
    expect(second.json<TagList>().tags).toEqual(['c', 'd']);

    const third = await server.get(`/v2/${repo}/tags/list?n=2&last=d`);
    expect(third.json<TagList>().tags).toEqual(['e']);
    expect(third.headers.link).toBeUndefined();
  });

  it('starts after last even when last is not a tag', async () => {
    await tagAll(server, repo, ['a', 'c', 'e']);
    expect((await server.get(`/v2/${repo}/tags/list?last=b`)).json<TagList>().tags).toEqual(['c', 'e']);
    expect((await server.get(`/v2/${repo}/tags/list?last=z`)).json<TagList>().tags).toEqual([]);
  });

  it('returns an empty list for n=0', async () => {
    await tagAll(server, repo, ['a', 'b']);
    const res = await server.get(`/v2/${repo}/tags/list?n=0`);
    expect(res.statusCode).toBe(200);
    expect(res.json<TagList>()).toEqual({ name: repo, tags: [] });
    expect(res.headers.link).toBeUndefined();
  });

  it.each(['-1', 'abc', '1.5', '', '9999999999'])('rejects n=%s with PAGINATION_NUMBER_INVALID', async (n) => {
    await tagAll(server, repo, ['a']);
    expectError(await server.get(`/v2/${repo}/tags/list?n=${n}`), 400, 'PAGINATION_NUMBER_INVALID');
  });

  it('returns NAME_UNKNOWN for a repository that does not exist', async () => {
    expectError(await server.get(`/v2/${uniqueRepo()}/tags/list`), 404, 'NAME_UNKNOWN');
  });

  it('lists an empty array for a repository that holds only blobs', async () => {
    await pushBlob(server, repo, layerA);
    expect((await server.get(`/v2/${repo}/tags/list`)).json<TagList>()).toEqual({ name: repo, tags: [] });
  });

  it('lists a tag once after it moved to another manifest', async () => {
    await pushImage(server, repo, { tag: 'v1' });
    await pushImage(server, repo, { tag: 'v1', image: ociImage('moved') });
    expect((await server.get(`/v2/${repo}/tags/list`)).json<TagList>().tags).toEqual(['v1']);
  });
});

describe('catalog', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await buildTestServer();
  });
  afterEach(() => server.close());

  it('lists repositories in order, paged with n, last and Link', async () => {
    for (const name of ['zeta', 'alpha/one', 'beta', 'alpha']) await pushBlob(server, name, layerA);
    const all = await server.get('/v2/_catalog');
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ repositories: ['alpha', 'alpha/one', 'beta', 'zeta'] });

    const first = await server.get('/v2/_catalog?n=3');
    expect(first.json()).toEqual({ repositories: ['alpha', 'alpha/one', 'beta'] });
    expect(first.headers.link).toBe('</v2/_catalog?n=3&last=beta>; rel="next"');
    const next = /^<([^>]+)>/.exec(first.headers.link as string)![1]!;
    const second = await server.get(next);
    expect(second.json()).toEqual({ repositories: ['zeta'] });
    expect(second.headers.link).toBeUndefined();
  });

  it('escapes last in the Link header', async () => {
    for (const name of ['a/b', 'a/c']) await pushBlob(server, name, layerA);
    expect((await server.get('/v2/_catalog?n=1')).headers.link).toBe('</v2/_catalog?n=1&last=a%2Fb>; rel="next"');
    expect((await server.get('/v2/_catalog?n=1&last=a%2Fb')).json()).toEqual({ repositories: ['a/c'] });
  });

  it('returns an empty list with no repositories and for n=0', async () => {
    expect((await server.get('/v2/_catalog')).json()).toEqual({ repositories: [] });
    await pushBlob(server, 'one', layerA);
    expect((await server.get('/v2/_catalog?n=0')).json()).toEqual({ repositories: [] });
  });

  it('rejects an invalid n with PAGINATION_NUMBER_INVALID', async () => {
    expectError(await server.get('/v2/_catalog?n=-5'), 400, 'PAGINATION_NUMBER_INVALID');
  });

  it('requires credentials', async () => {
    expectError(await server.get('/v2/_catalog', { auth: false }), 401, 'UNAUTHORIZED');
  });
});
