import { describe, expect, it } from 'vitest';
import { ReasoningSection } from './reasoning-section';

function streamed(shown: boolean, events: [kind: 'thought' | 'answer', delta: string][]) {
  let draft = '';
  const section = new ReasoningSection(shown, (delta) => (draft += delta));
  for (const [kind, delta] of events) section[kind](delta);
  return { draft, final: section.shownText('The answer.') };
}

describe('ReasoningSection', () => {
  it('streams the thinking after its mark, then a blank line and the answer, as the final text shows them', () => {
    const { draft, final } = streamed(true, [
      ['thought', ' Let me'],
      ['thought', ' think.'],
      ['answer', 'The '],
      ['answer', 'answer.'],
    ]);
    expect(draft).toBe('💭 Let me think.\n\nThe answer.');
    expect(final).toBe('💭 Let me think.\n\nThe answer.');
  });

  it('drops the thinking when hidden, and thinking that comes after the answer began', () => {
    expect(streamed(false, [['thought', 'secret'], ['answer', 'The answer.']])).toEqual({ draft: 'The answer.', final: 'The answer.' });
    expect(streamed(true, [['answer', 'The answer.'], ['thought', 'late']])).toEqual({ draft: 'The answer.', final: 'The answer.' });
  });
});
