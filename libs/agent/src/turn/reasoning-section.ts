/** What the model's thinking starts with in the chat. */
export const THINKING_MARK = '💭 ';

/**
 * The model's thinking in a streamed reply: shown above the answer, set apart by its mark and a
 * blank line, where the chat asked for it (/reasoning show); else dropped. Only the answer is
 * stored as the assistant's message, so the model never sees its old thinking as something it said.
 */
export class ReasoningSection {
  private thinking = '';
  private answering = false;

  constructor(
    private readonly shown: boolean,
    private readonly stream: (delta: string) => void,
  ) {}

  thought(delta: string): void {
    // Thinking between tool calls, after the answer began, would land inside the answer.
    if (!this.shown || this.answering) return;
    this.stream(this.thinking ? delta : `${THINKING_MARK}${delta.trimStart()}`);
    this.thinking += delta;
  }

  answer(delta: string): void {
    if (!this.answering && this.thinking) this.stream('\n\n');
    this.answering = true;
    this.stream(delta);
  }

  /** The reply as the chat shows it. */
  shownText(answer: string): string {
    const thinking = this.thinking.trim();
    return thinking ? `${THINKING_MARK}${thinking}\n\n${answer}` : answer;
  }
}
