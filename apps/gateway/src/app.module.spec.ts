import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { AppModule } from './app.module';

describe('AppModule', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-app-module-'));
  let moduleRef: TestingModule;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const config = configSchema.parse({ database: { dataDir }, llm: { provider: 'echo' }, log: { level: 'error' } });
    moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  }, 60_000);
  afterAll(async () => {
    await moduleRef?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes only configuration and logging global: every other module imports what it uses', () => {
    const global = [...moduleRef.get(ModulesContainer).values()].filter((module) => module.isGlobal).map((module) => module.metatype.name);
    // LoggingModule is ours (AppLogger), LoggerModule nestjs-pino's within it, InternalCoreModule Nest's own.
    expect(global.sort()).toEqual(['ConfigModule', 'InternalCoreModule', 'LoggerModule', 'LoggingModule']);
  });

  it('has one instance of each module the gateway imports from several places', () => {
    const names = [...moduleRef.get(ModulesContainer).values()].map((module) => module.metatype.name);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    expect(repeated).toEqual([]);
  });
});
