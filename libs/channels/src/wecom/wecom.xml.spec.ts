import { describe, expect, it } from 'vitest';
import { parseFlatXml } from './wecom.xml';

describe('parseFlatXml', () => {
  it('reads CDATA and plain values, entities decoded in plain ones', () => {
    expect(parseFlatXml('<?xml version="1.0"?>\n<xml>\n  <A><![CDATA[x <y> &amp;]]></A>\n  <B>12</B><C>a &lt;b&gt; &#20320;</C><D></D>\n</xml>')).toEqual({ A: 'x <y> &amp;', B: '12', C: 'a <b> 你', D: '' });
  });

  it('refuses nesting, entity declarations and anything outside one xml element', () => {
    expect(parseFlatXml('<xml><A><B>1</B></A></xml>')).toBeUndefined();
    expect(parseFlatXml('<!DOCTYPE x [<!ENTITY e "boom">]><xml><A>&e;</A></xml>')).toBeUndefined();
    expect(parseFlatXml('<xml><A>1</A></xml><xml></xml>')).toBeUndefined();
    expect(parseFlatXml('{"json": true}')).toBeUndefined();
  });

  it('joins the CDATA sections of one value, as WeCom writes a "]]>" inside it', () => {
    expect(parseFlatXml('<xml><Content><![CDATA[a ]]]]><![CDATA[> b]]></Content></xml>')).toEqual({ Content: 'a ]]> b' });
  });
});
