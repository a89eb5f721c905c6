/** The platforms Switchboard has adapters for, and "*" for every platform. */
export const PLATFORM_CHOICES = [
  { value: '*', label: 'Every platform (*)' },
  { value: 'telegram', label: 'Telegram' },
  { value: 'slack', label: 'Slack' },
  { value: 'discord', label: 'Discord' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'dingtalk', label: 'DingTalk' },
  { value: 'feishu', label: 'Feishu / Lark' },
  { value: 'wecom', label: 'WeCom' },
  { value: 'webchat', label: 'Web chat' },
];
