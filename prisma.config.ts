import { defineConfig } from 'prisma/config';

// Used by the stock Prisma CLI (`prisma generate`). Migrations go through `switchboard db ...`,
// which drives Prisma's WebAssembly schema engine (see libs/persistence/src/migrations).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
