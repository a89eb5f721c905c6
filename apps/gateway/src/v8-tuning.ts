import { setFlagsFromString } from 'node:v8';

// V8's own default for the flag below.
const DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;
// 50 times V8's default: a WebAssembly function is optimized after running this many bytes of code.
const WASM_TIERING_BUDGET = 90_000_000;

/**
 * Memory settings for the gateway process, applied before the application loads; call
 * `started()` once it serves. Figures: docs/PERFORMANCE.md, "Gateway start-up".
 *
 * - Prisma's query compiler (and, embedded, PGlite's PostgreSQL) are WebAssembly. Start-up runs
 *   much of their code once; with V8's default budget most of it is then optimized, and the
 *   optimized code and the compiler's memory stay resident (about 45–70 MB) for code that rarely
 *   runs again. With a larger budget only the code that stays hot under load is optimized.
 * - Start-up allocates in a burst (module loading), which grows the young generation to its
 *   maximum (3 × 16 MB); V8 gives it back only after about 20 s without work. Not growing it
 *   until the gateway is ready saves that; afterwards it grows under load as usual.
 */
export function tuneV8ForGateway(): { started(): void } {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  setFlagsFromString('--semi-space-growth-factor=1');
  return {
    started() {
      setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
    },
  };
}
