/** The product version reported by INFO and `dynkv --version` (kept in step with package.json). */
export const DYNKV_VERSION = '0.1.0';
