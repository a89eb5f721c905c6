import { ScheduledPrompts, ScheduledPromptsModule } from '@switchboard/agent';
import type { SwitchboardConfig } from '@switchboard/config';
import { LocalApi, withAdminPort } from './local-api';

/** What `switchboard cron` does, through the running gateway or on the database. */
export type CronAdmin = Pick<ScheduledPrompts, 'list' | 'add' | 'remove' | 'runNow'>;

export function withCronAdmin<T>(config: SwitchboardConfig, work: (admin: CronAdmin) => Promise<T>): Promise<T> {
  return withAdminPort<CronAdmin, T>(config, (api) => new CronAdminClient(api), { imports: [ScheduledPromptsModule], service: ScheduledPrompts }, work);
}

/** The CronAdmin port over the gateway's `/api/local/cron` routes (instants come back as ISO strings). */
class CronAdminClient implements CronAdmin {
  constructor(private readonly api: LocalApi) {}

  list() {
    return this.api.call<Awaited<ReturnType<CronAdmin['list']>>>('GET', '/cron');
  }

  add({ destination, createdBy, ...fields }: Parameters<CronAdmin['add']>[0]) {
    return this.api.call<Awaited<ReturnType<CronAdmin['add']>>>('POST', '/cron', { ...fields, ...destination, actor: createdBy });
  }

  remove(name: string) {
    return this.api.call<Awaited<ReturnType<CronAdmin['remove']>>>('POST', '/cron/remove', { name });
  }

  runNow(name: string) {
    return this.api.call<Awaited<ReturnType<CronAdmin['runNow']>>>('POST', '/cron/run', { name });
  }
}
