import { ConfigError, configKeys } from '@switchboard/config';
import { z } from 'zod';
import { parseCommandPermissions } from '../commands/command-permissions';
import { parseAddressList } from '../ip/address-list';

/** The security settings an operator may change at runtime, by their place in the configuration. */
export const SECURITY_SETTING_NAMES = [
  'commandPermissions',
  'trustedProxies',
  'webhookIpAllow',
  'webhookIpDeny',
  'adminIpAllow',
  'adminIpDeny',
  'controlIpAllow',
  'controlIpDeny',
] as const;
export type SecuritySettingName = (typeof SECURITY_SETTING_NAMES)[number];

export type SettingCheck = { ok: true; value: unknown } | { ok: false; problems: string[] };

/**
 * One runtime setting: `security.<name>`, `<platform>.dmPolicy` (configuration keys, checked by
 * the configuration's own zod rules and then by the parser the gateway uses at start) or
 * `<platform>.enabled` (whether the channel receives; not in the configuration: on by default).
 */
export interface SettingRule {
  key: string;
  /** The environment variable of the configuration's value (errors name it), or the key. */
  label: string;
  check(value: unknown): SettingCheck;
}

const enabledSchema = z.boolean({ error: 'expected true or false' });

/** The rule of a setting key, or undefined when operators cannot change that key at runtime. */
export function settingRule(key: string): SettingRule | undefined {
  const [section, name, ...rest] = key.split('.');
  if (!section || !name || rest.length > 0) return undefined;
  if (name === 'enabled') {
    // Only the platforms the configuration has a block (and a DM policy) for.
    if (!configKey(section, 'dmPolicy')) return undefined;
    return { key, label: key, check: (value) => fromZod(key, enabledSchema.safeParse(value)) };
  }
  const isSecurity = section === 'security' && (SECURITY_SETTING_NAMES as readonly string[]).includes(name);
  if (!isSecurity && name !== 'dmPolicy') return undefined;
  const config = configKey(section, name);
  if (!config) return undefined;
  return {
    key,
    label: config.env,
    check: (value) => {
      // null and undefined mean "reset", never a value; the configuration's defaults would hide that.
      if (value === undefined || value === null) return { ok: false, problems: [`${config.env}: expected a value`] };
      const parsed = fromZod(config.env, config.schema.safeParse(value));
      if (!parsed.ok || section !== 'security') return parsed;
      const problems = semanticProblems(name as SecuritySettingName, config.env, parsed.value);
      return problems.length ? { ok: false, problems } : parsed;
    },
  };
}

/** Every `<platform>` the configuration has an access block for (the ones with a dmPolicy key). */
export function accessPlatforms(): string[] {
  return configKeys.filter((k) => k.path.length === 2 && k.path[1] === 'dmPolicy').map((k) => k.path[0]);
}

/** The values a platform's DM policy may take, from the configuration's rule. */
export function dmPolicyChoices(): string[] {
  const schema = configKeys.find((k) => k.path.length === 2 && k.path[1] === 'dmPolicy')?.schema;
  const inner = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
  return inner instanceof z.ZodEnum ? inner.options.map(String) : [];
}

/** The keys that exist for the configured platforms and security settings. */
export function settingKeys(): string[] {
  return [
    ...SECURITY_SETTING_NAMES.map((name) => `security.${name}`),
    ...accessPlatforms().flatMap((platform) => [`${platform}.dmPolicy`, `${platform}.enabled`]),
  ];
}

// What the gateway checks at start beyond the schema: CIDRs and the command permission syntax.
function semanticProblems(name: SecuritySettingName, env: string, value: unknown): string[] {
  if (name === 'commandPermissions') {
    try {
      parseCommandPermissions(String(value));
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  }
  const problems: string[] = [];
  parseAddressList(env, value as string[], problems);
  return problems;
}

function configKey(section: string, name: string) {
  return configKeys.find((k) => k.path.length === 2 && k.path[0] === section && k.path[1] === name);
}

function fromZod(label: string, result: { success: true; data: unknown } | { success: false; error: z.ZodError }): SettingCheck {
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${label}${issue.path.length ? `[${issue.path.join('.')}]` : ''}: ${issue.message}`) };
}
