import { z } from 'zod';

/** A config value as the console shows it: secrets are replaced by "••••" (or null when unset). */
export const maskedValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

const probeState = z.enum(['up', 'down', 'disabled']);

export const channelState = z.object({
  platform: z.string(),
  /** From the health probes of its accounts, the ones /ready uses (down when one is); `disabled` while an operator has it off. */
  state: probeState,
  /** Whether the channel receives; switched in the console (PATCH /channels/:platform), on by default. */
  enabled: z.boolean(),
  detail: z.string().nullable(),
  /** The channel's configuration with secrets masked (its named accounts are listed in `accounts`). */
  config: z.record(z.string(), maskedValue),
  /** Each configured account (bot, app) of the platform: `default` for the flat keys, then those under `accounts`. */
  accounts: z.array(z.object({ accountId: z.string(), state: probeState, detail: z.string().nullable() })),
});
export type ChannelState = z.infer<typeof channelState>;
export const channelList = z.object({ items: z.array(channelState) });

export const channelParams = z.object({ platform: z.string().min(1).max(64) });
export const channelUpdateRequest = z.object({ enabled: z.boolean() }).strict();
export type ChannelUpdateRequest = z.infer<typeof channelUpdateRequest>;

/** Where a setting's value comes from: the configuration (env / YAML), or an operator's change. */
export const settingSource = z.enum(['config', 'console']);
export type SettingSource = z.infer<typeof settingSource>;

/** The IP lists an operator may change, each a list of addresses and CIDR ranges. */
export const IP_RULE_FIELDS = ['trustedProxies', 'webhookIpAllow', 'webhookIpDeny', 'adminIpAllow', 'adminIpDeny', 'controlIpAllow', 'controlIpDeny'] as const;
export type IpRuleField = (typeof IP_RULE_FIELDS)[number];

const addressList = z.object({ value: z.array(z.string()), source: settingSource });

/**
 * The security settings in force: the configuration's, or an operator's change where `source`
 * is `console` (until reset). Changed with PATCH /security.
 */
export const securitySettings = z.object({
  /** The DM policies a platform may have. */
  dmPolicyChoices: z.array(z.string()),
  platforms: z.array(
    z.object({
      platform: z.string(),
      dmPolicy: z.string(),
      dmPolicySource: settingSource,
      allowedUsers: z.array(z.string()),
      adminUsers: z.array(z.string()),
      allowedGroups: z.array(z.string()),
    }),
  ),
  commands: z.object({
    /** e.g. "status:admins;reset:everyone"; null: every command open to allowed users. */
    commandPermissions: z.string().nullable(),
    source: settingSource,
    adminUsers: z.array(z.string()),
    allowAllUsers: z.boolean(),
    rateLimitPerMinute: z.number(),
    rateLimitPerHour: z.number(),
  }),
  ipRules: z.object(Object.fromEntries(IP_RULE_FIELDS.map((field) => [field, addressList])) as Record<IpRuleField, typeof addressList>),
  /** The operators' changes in force, newest first. */
  changes: z.array(z.object({ key: z.string(), version: z.number(), updatedBy: z.string(), updatedAt: z.string() })),
});
export type SecuritySettings = z.infer<typeof securitySettings>;

const ipListChange = z.array(z.string().max(100)).max(1_000).nullable();

/**
 * Changes to the security settings, applied together or not at all: a value replaces what is in
 * force, `null` resets the setting to the configuration's value. Fields left out stay as they are.
 * A value the configuration would refuse gets 400 with `error.fields` naming each bad field.
 */
export const securitySettingsUpdate = z
  .object({
    commandPermissions: z.string().max(4_000).nullable(),
    ...(Object.fromEntries(IP_RULE_FIELDS.map((field) => [field, ipListChange])) as Record<IpRuleField, typeof ipListChange>),
    /** By platform, e.g. `{ "telegram": "open" }`. */
    dmPolicy: z.record(z.string().max(64), z.string().max(64).nullable()),
  })
  .partial()
  .strict();
export type SecuritySettingsUpdate = z.infer<typeof securitySettingsUpdate>;
