import { FakeWecomAibotServer, type FakeAibotCallback } from '../../fake-wecom/fake-wecom-aibot.server';
import { FakeWecomServer, type FakeWecomCallback } from '../../fake-wecom/fake-wecom.server';
import type {
  ContractChat,
  ContractDelivery,
  ContractMessage,
  ContractPlatform,
  ContractSendFailure,
  ContractUser,
} from '../contract-platform';

// WeCom says "frequency limit" with an errcode and no delay; "system busy" is its server error.
const FREQUENCY_LIMIT = { errcode: 45009, errmsg: 'api freq out of limit' };
const SYSTEM_BUSY = { errcode: -1, errmsg: 'system busy' };
const ANSWER_TIMEOUT_MS = 15_000;

/**
 * WeCom as a self-built app receiving callbacks (`callback`: signed, encrypted XML; replies through
 * message/send, 2048 bytes each, never edited; direct chats only) or as an AI bot over its long
 * connection (`aibot`: replies streamed into one message, 20,480 bytes; groups, where WeCom hands
 * the bot only messages that @-mention it). Both send files.
 */
export class WecomContractPlatform implements ContractPlatform {
  readonly name: string;
  readonly platform = 'wecom';
  readonly features: ContractPlatform['features'];
  readonly textLimit: ContractPlatform['textLimit'];
  readonly allowed: ContractUser = { id: 'zhangsan', name: 'Zhang San' };
  readonly stranger: ContractUser = { id: 'mallory', name: 'Mallory' };
  readonly group: ContractChat = { kind: 'group', id: 'wrkSFfCgAAcontract' };
  readonly deliverForged?: ContractPlatform['deliverForged'];
  readonly dropConnection?: ContractPlatform['dropConnection'];
  readonly connectionsOpened?: ContractPlatform['connectionsOpened'];

  private readonly app = new FakeWecomServer();
  private readonly bot = new FakeWecomAibotServer();
  private readonly callbacks = new Map<string, FakeWecomCallback>();
  private readonly frames = new Map<string, { callback: FakeAibotCallback }>();

  constructor(private readonly mode: 'callback' | 'aibot') {
    this.name = `wecom (${mode})`;
    const aibot = mode === 'aibot';
    this.features = {
      longConnection: aibot,
      signedWebhook: !aibot,
      // The signature covers the timestamp, but WeCom's own libraries do not bound its age; redeliveries are deduplicated instead.
      staleTimestamp: false,
      groups: aibot,
      attachmentsIn: false,
      // The app uploads files with media/upload, the AI bot over its connection (aibot_upload_media_*).
      attachmentsOut: true,
      streams: aibot,
      // WeCom's frequency limit (45009) names no delay; the adapter waits its default of 2 s, at
      // least the suite's 1 s. Only the app: WeCom documents no rate-limit errcode for the AI
      // bot's long connection, so a test of one there would test a code the fake made up.
      rateLimitRetryAfter: !aibot,
    };
    this.textLimit = { max: aibot ? 20_480 : 2048, unit: 'bytes' };
    if (aibot) {
      this.dropConnection = async () => this.bot.dropConnection();
      this.connectionsOpened = () => this.bot.connectionsOpened;
    } else {
      this.deliverForged = (message, how) => this.forged(message, how);
    }
  }

  dmWith(user: ContractUser): ContractChat {
    return { kind: 'dm', id: user.id };
  }

  async start(): Promise<void> {
    await (this.mode === 'aibot' ? this.bot.start() : this.app.start());
  }

  async stop(): Promise<void> {
    await (this.mode === 'aibot' ? this.bot.stop() : this.app.stop());
  }

  gatewayEnv(): Record<string, string> {
    if (this.mode === 'aibot') {
      return { WECOM_MODE: 'aibot', WECOM_BOT_ID: this.bot.bot.botId, WECOM_BOT_SECRET: this.bot.bot.secret, WECOM_AIBOT_WS_URL: this.bot.url };
    }
    const { corpId, agentId, secret, token, encodingAesKey } = this.app.app;
    return {
      WECOM_MODE: 'callback',
      WECOM_CORP_ID: corpId,
      WECOM_AGENT_ID: String(agentId),
      WECOM_SECRET: secret,
      WECOM_TOKEN: token,
      WECOM_ENCODING_AES_KEY: encodingAesKey,
      WECOM_API_ROOT: this.app.url,
    };
  }

  attach(gatewayUrl: string): void {
    this.app.callbackUrl = `${gatewayUrl}/webhooks/wecom`;
  }

  async deliver(message: ContractMessage): Promise<ContractDelivery> {
    if (this.mode === 'callback') {
      if (message.chat.kind !== 'dm') throw new Error('WeCom app callbacks come from direct chats only');
      return this.posted(await this.app.deliverText(message.from.id, message.text));
    }
    // WeCom hands an AI bot a group message only when it @-mentions the bot.
    if (message.chat.kind === 'group' && !message.mentionsBot) return { id: 'not-delivered' };
    const text = message.chat.kind === 'group' ? `@Switchboard ${message.text}` : message.text;
    const callback = this.bot.deliver({ from: message.from.id, text, chatId: message.chat.kind === 'group' ? message.chat.id : undefined });
    this.frames.set(callback.reqId, { callback });
    await this.bot.waitForAnswer(callback, ANSWER_TIMEOUT_MS);
    return { id: callback.reqId };
  }

  async redeliver(delivery: ContractDelivery): Promise<ContractDelivery> {
    if (this.mode === 'callback') {
      const callback = this.callbacks.get(delivery.id);
      if (!callback) throw new Error(`unknown delivery ${delivery.id}`);
      return this.posted(await this.app.redeliver(callback));
    }
    const sent = this.frames.get(delivery.id);
    if (!sent) throw new Error(`unknown delivery ${delivery.id}`);
    this.bot.resend(sent.callback);
    return delivery;
  }

  botTexts(chat: ContractChat): string[] {
    if (this.mode === 'callback') return this.app.messagesTo(chat.id).map((message) => message.content);
    return this.bot.messagesIn(chat.id).map((message) => message.text);
  }

  botFiles(chat: ContractChat): { fileName: string; data: Buffer }[] {
    if (this.mode === 'aibot') return this.bot.messagesIn(chat.id).flatMap(({ media }) => (media ? [{ fileName: media.filename, data: media.data }] : []));
    return this.app.messagesTo(chat.id).flatMap(({ file }) => (file ? [{ fileName: file.filename, data: file.data }] : []));
  }

  failSends(failure: ContractSendFailure, times: number): void {
    const error = failure.kind === 'rate_limit' ? FREQUENCY_LIMIT : SYSTEM_BUSY;
    if (this.mode === 'aibot') this.bot.failRepliesNext(error.errcode, error.errmsg, times);
    else this.app.failSendNext(failure.kind === 'rate_limit' ? FREQUENCY_LIMIT : { status: 500 }, times);
  }

  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[] {
    return this.mode === 'aibot' ? this.bot.sendAttempts(chat.id) : this.app.sendAttempts(chat.id);
  }

  private posted(callback: FakeWecomCallback): ContractDelivery {
    this.callbacks.set(callback.msgId, callback);
    return { id: callback.msgId, status: callback.status };
  }

  private async forged(message: ContractMessage, how: 'signature' | 'stale'): Promise<number> {
    if (how === 'stale') throw new Error('WeCom callbacks are not refused for their age');
    return (await this.app.deliverText(message.from.id, message.text, { token: 'NotTheCallbackToken' })).status;
  }
}
