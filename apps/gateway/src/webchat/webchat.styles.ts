/** Styles of the web chat page. */
export const WEBCHAT_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: #1d2127; background: #f4f5f7; height: 100vh; display: flex; flex-direction: column; }
button { font: inherit; padding: 6px 12px; border: 1px solid #9aa3ad; border-radius: 6px; background: #fff; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
.bar { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #1d2127; color: #fff; }
.bar h1 { font-size: 16px; margin: 0; flex: 1; }
.status[data-state="online"] { color: #7ee2a8; }
.status[data-state="offline"] { color: #f0a8a8; }
.error { margin: 0; padding: 8px 16px; background: #fde8e8; color: #8a1c1c; border-bottom: 1px solid #f0b4b4; white-space: pre-wrap; }
.login { max-width: 360px; margin: 48px auto; display: flex; flex-direction: column; gap: 8px; }
.login input { font: inherit; padding: 6px; }
.hint { color: #5c6570; font-size: 13px; }
.app { flex: 1; display: flex; min-height: 0; }
.sessions { width: 240px; border-right: 1px solid #d5d9de; padding: 8px; overflow-y: auto; background: #fff; }
.sessions ul { list-style: none; margin: 8px 0 0; padding: 0; }
.sessions li button { width: 100%; text-align: left; border: 0; border-radius: 4px; margin-bottom: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sessions li button[aria-current="true"] { background: #dfe9f7; }
.sessions li button.other { color: #5c6570; }
.chat { flex: 1; display: flex; flex-direction: column; min-width: 0; padding: 8px 16px; }
.chat h2 { font-size: 14px; margin: 4px 0 8px; color: #5c6570; word-break: break-all; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 0; }
.msg { margin: 6px 0; padding: 8px 10px; border-radius: 8px; max-width: 80ch; white-space: pre-wrap; word-wrap: break-word; }
.msg.user { background: #dfe9f7; margin-left: auto; }
.msg.assistant { background: #fff; border: 1px solid #d5d9de; }
.msg .meta { display: block; font-size: 12px; color: #5c6570; }
.msg[data-state="aborted"] .meta, .msg[data-state="error"] .meta { color: #8a1c1c; }
.composer { border-top: 1px solid #d5d9de; padding-top: 8px; }
.composer textarea { width: 100%; font: inherit; padding: 6px; resize: vertical; }
.attachments { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.attachments li { background: #e9ecef; border-radius: 12px; padding: 2px 4px 2px 10px; font-size: 13px; }
.attachments li button { padding: 0 6px; border: 0; background: transparent; }
.actions { display: flex; gap: 8px; justify-content: flex-end; align-items: center; }
.file { cursor: pointer; padding: 6px 12px; border: 1px dashed #9aa3ad; border-radius: 6px; margin-right: auto; }
.file input { display: none; }
`;
