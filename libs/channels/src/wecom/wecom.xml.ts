/**
 * WeCom's callback XML is one flat `<xml>` element whose children hold text, mostly in CDATA:
 * `<xml><ToUserName><![CDATA[ww…]]></ToUserName><CreateTime>1700000000</CreateTime>…</xml>`. This
 * reads exactly that shape into a record of strings and refuses anything else (nested elements,
 * declarations of entities, processing instructions other than the XML declaration), so no entity
 * expansion or deep nesting can cost anything.
 */
export function parseFlatXml(xml: string): Record<string, string> | undefined {
  const body = /^\s*(?:<\?xml[^?]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml)?.[1];
  if (body === undefined) return undefined;
  const fields: Record<string, string> = {};
  // A value is text and CDATA sections (a "]]>" inside a value is written across two sections).
  const element = /\s*<([A-Za-z_][\w.-]*)>((?:<!\[CDATA\[[\s\S]*?\]\]>|[^<])*)<\/\1>\s*/y;
  let at = 0;
  while (at < body.length) {
    element.lastIndex = at;
    const match = element.exec(body);
    if (!match) return body.slice(at).trim() === '' ? fields : undefined;
    const [, name, value] = match;
    fields[name] = value.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|[^<]+/g, (part, cdata?: string) => cdata ?? decodeEntities(part));
    at = element.lastIndex;
  }
  return fields;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (_all, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name];
  });
}
