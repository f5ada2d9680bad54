// Types for cli-fingerprint.mjs (plain JavaScript, loaded by bin/slipway before tsx).
export declare const BUILD_FILES: readonly string[];
export declare const STAMP_FILE: string;
export declare function statSignature(root: string, rel: string): string;
export declare function sourceTree(root: string): Map<string, string>;
export declare function currentBundle(root: string): string | undefined;
