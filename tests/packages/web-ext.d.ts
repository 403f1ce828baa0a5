/** The part of web-ext's programmatic API these tests use (web-ext ships no types). */
declare module 'web-ext' {
  interface LintResult {
    readonly summary: { readonly errors: number; readonly warnings: number; readonly notices: number };
    readonly errors: readonly { readonly code: string; readonly file?: string; readonly message: string }[];
    readonly warnings: readonly { readonly code: string; readonly file?: string; readonly message: string }[];
  }
  const webExt: {
    cmd: {
      lint(
        options: { sourceDir: string; output?: 'json' | 'text' | 'none'; selfHosted?: boolean; boring?: boolean },
        config?: { shouldExitProgram?: boolean },
      ): Promise<LintResult>;
    };
  };
  export default webExt;
}
