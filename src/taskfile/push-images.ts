/** `:latest` when the name has neither `:` nor `@` (so `localhost:5000/foo` stays as it is). */
export function withDefaultTag(image: string): string {
  return image.includes(':') || image.includes('@') ? image : `${image}:latest`;
}

/** acb's push list normalisation: default tag added, duplicates removed, first occurrence kept. */
export function normalisePushList(images: readonly string[]): string[] {
  return [...new Set(images.map(withDefaultTag))];
}
