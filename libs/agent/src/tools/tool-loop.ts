import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { type NewToolCall, type ParkedTurnsClosing, ToolCallRecord, ToolCallRepository, TurnHolder } from '@switchboard/persistence';
import { LlmRouter, type LlmMessage, type LlmRouterRequest, type LlmToolCall } from '@switchboard/providers';
import { type ToolSet, ToolRegistry } from './tool-registry';

/** What the turn answers: its ids, the sender of its message and its run's lease token. */
export interface ToolLoopTurn {
  turnId: string;
  sessionId: string;
  platform: string;
  senderId: string | null;
  holder: TurnHolder;
}

/** The result of a call a later message made moot (see closeParked). */
export const SUPERSEDED = 'A later message was answered instead; this call did not run.';

/** Where the loop's output goes while it runs (the reply's draft). */
export interface ToolLoopOutput {
  /** Text of the model. */
  text(delta: string): void;
  /** A line shown in the reply but not part of the model's answer (tool progress). */
  note(line: string): void;
  /** The model's thinking (reasoning deltas), which is never part of its answer. */
  thought(delta: string): void;
}

export interface ToolLoopInput {
  turn: ToolLoopTurn;
  request: Omit<LlmRouterRequest, 'tools'>;
  out: ToolLoopOutput;
}

export type ToolLoopOutcome =
  | { parked?: undefined; model: string | null; usage: { inputTokens?: number; outputTokens?: number } }
  /** A call waits for approval: the turn is to be parked with `question` shown in the chat. */
  | { parked: ToolCallRecord; question: string };

const STEP_LIMIT_NOTE = 'You have used every tool step this answer may take. Answer now with what you have, without calling tools.';

/**
 * The model's side of a turn with tools: stream a response; if it calls tools, record the calls,
 * run them in order (or settle them without running: refused, denied, expired), give the model
 * the results and stream again, up to AGENT_TOOL_MAX_STEPS responses. Run again for the same turn
 * (after a crash or an approval), it replays what is recorded first: a call found completed is not
 * run again, one found started is reported to the model as interrupted.
 */
@Injectable()
export class ToolLoop {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly calls: ToolCallRepository,
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'stream'>,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** Parks a turn whose call waits for approval; false when no call waits any more (see ToolCallRepository.park). */
  park(turnId: string, holder: TurnHolder): Promise<boolean> {
    return this.calls.park(turnId, holder);
  }

  /**
   * Closes the session's turns that a later turn makes moot (parked on an approval, or decided and
   * not resumed yet): their calls that did not run are denied, the turns fail, nothing resumes
   * them. Resolves their ids. Fenced by the caller's hold on the session (see ToolCallRepository.closeParked).
   */
  closeParked(laterTurnId: string, holder: TurnHolder, closing: ParkedTurnsClosing): Promise<string[]> {
    return this.calls.closeParked(laterTurnId, holder, closing);
  }

  /** Whether the turn made tool calls (such a turn is resumed, never folded into a later one). */
  async hasCalls(turnId: string): Promise<boolean> {
    return (await this.calls.ofTurn(turnId)).length > 0;
  }

  async run({ turn, request, out }: ToolLoopInput): Promise<ToolLoopOutcome> {
    const tools = this.registry.tools();
    const messages = [...request.messages];
    const state: LoopState = { model: null, usage: {}, wroteText: false, lastTool: undefined };
    let step = 0;
    if (tools.size) {
      const recorded = await this.calls.ofTurn(turn.turnId);
      for (const calls of byStep(recorded)) {
        this.showStepText(calls[0].stepText, state, out);
        const parked = await this.settleStep(calls, tools, turn, request.signal, messages, state, out);
        if (parked) return parked;
        step = calls[0].step + 1;
      }
    }
    for (; ; step++) {
      const last = step >= this.config.agent.toolMaxSteps;
      const stepMessages: LlmMessage[] = last ? [...messages, { role: 'system', content: STEP_LIMIT_NOTE }] : messages;
      const response = await this.stream({ ...request, messages: stepMessages, tools: tools.size ? this.registry.definitions(tools) : undefined }, state, out);
      // After the last step, calls are left unanswered: the text is the answer.
      if (!response.calls.length || last) {
        if (!response.text.trim() && response.calls.length) out.text(`(stopped after ${step} tool steps without an answer)`);
        return { model: state.model, usage: state.usage };
      }
      await this.calls.recordStep(
        {
          turnId: turn.turnId,
          sessionId: turn.sessionId,
          senderId: turn.senderId,
          step,
          stepText: response.text,
          calls: response.calls.map((call, index) => this.planned(call, index, tools, turn)),
        },
        turn.holder,
      );
      const recorded = (await this.calls.ofTurn(turn.turnId)).filter((call) => call.step === step);
      const parked = await this.settleStep(recorded, tools, turn, request.signal, messages, state, out);
      if (parked) return parked;
    }
  }

  /** Streams one response; its text goes out as it comes, its calls are collected. */
  private async stream(request: LlmRouterRequest, state: LoopState, out: ToolLoopOutput) {
    let text = '';
    const calls: LlmToolCall[] = [];
    let separated = !state.wroteText;
    for await (const event of this.router.stream(request)) {
      if (event.type === 'text') {
        // Each response's text starts a paragraph of its own in the reply.
        if (!separated && event.delta.trim()) {
          out.text('\n\n');
          separated = true;
        }
        text += event.delta;
        if (event.delta.trim()) state.wroteText = true;
        out.text(event.delta);
      } else if (event.type === 'reasoning') {
        out.thought(event.delta);
      } else if (event.type === 'tool_call') {
        calls.push(event.call);
      } else if (event.type === 'model') {
        state.model = event.ref;
      } else if (event.type === 'usage') {
        state.usage = { inputTokens: (state.usage.inputTokens ?? 0) + event.inputTokens, outputTokens: (state.usage.outputTokens ?? 0) + event.outputTokens };
      }
    }
    return { text, calls };
  }

  /** How a call of the model is recorded: to run, to wait for approval, or answered already (refused). */
  private planned(call: LlmToolCall, index: number, tools: ToolSet, turn: ToolLoopTurn): NewToolCall {
    const base = { index, callId: call.id, tool: call.name, arguments: call.arguments };
    const checked = this.registry.check(tools, call, { platform: turn.platform, senderId: turn.senderId ?? '' });
    if ('refused' in checked) return { ...base, status: 'completed', result: checked.refused.content, isError: true };
    if (!this.registry.requiresApproval(checked.tool)) return { ...base, status: 'pending' };
    return { ...base, status: 'pending_approval', expiresAt: new Date(Date.now() + this.config.agent.toolApprovalTtlSeconds * 1000) };
  }

  /**
   * Gives the model a step's calls and their results, running the calls not run yet in order.
   * Returns the parking outcome at the first call that waits for approval.
   */
  private async settleStep(
    calls: ToolCallRecord[],
    tools: ToolSet,
    turn: ToolLoopTurn,
    signal: AbortSignal | undefined,
    messages: LlmMessage[],
    state: LoopState,
    out: ToolLoopOutput,
  ): Promise<ToolLoopOutcome | undefined> {
    const results: LlmMessage[] = [];
    for (const call of calls) {
      if (call.status === 'pending_approval' && (!call.expiresAt || call.expiresAt.getTime() > Date.now())) {
        return { parked: call, question: this.question(call) };
      }
      this.showProgress(call, state, out);
      results.push({ role: 'tool', toolCallId: call.callId, content: await this.settle(call, tools, turn, signal) });
    }
    messages.push(
      { role: 'assistant', content: calls[0].stepText, toolCalls: calls.map((call) => ({ id: call.callId, name: call.tool, arguments: call.arguments })) },
      ...results,
    );
    return undefined;
  }

  /** The result the model gets for a call, running it if it is due to run. */
  private async settle(call: ToolCallRecord, tools: ToolSet, turn: ToolLoopTurn, signal: AbortSignal | undefined): Promise<string> {
    switch (call.status) {
      case 'completed':
        return call.result ?? '';
      case 'denied':
        return `The user (${call.decidedBy ?? 'an approver'}) denied this call; it did not run. Do not try it again in this answer.`;
      case 'expired':
        return 'Nobody approved this call in time; it did not run.';
      case 'pending_approval':
        // Past its expiry (the sweep had not got to it yet).
        await this.calls.update(turn.turnId, call.id, ['pending_approval'], { status: 'expired' }, turn.holder);
        return 'Nobody approved this call in time; it did not run.';
      case 'running': {
        const result = 'This call was interrupted (the gateway restarted); it may or may not have taken effect.';
        await this.calls.update(turn.turnId, call.id, ['running'], { status: 'completed', result, isError: true }, turn.holder);
        return result;
      }
      case 'pending':
      case 'approved':
        return this.execute(call, tools, turn, signal);
    }
  }

  private async execute(call: ToolCallRecord, tools: ToolSet, turn: ToolLoopTurn, signal: AbortSignal | undefined): Promise<string> {
    // Checked again: the tool may be gone, or its permission changed, since the call was recorded.
    const checked = this.registry.check(tools, { id: call.callId, name: call.tool, arguments: call.arguments }, { platform: turn.platform, senderId: turn.senderId ?? '' });
    await this.calls.update(turn.turnId, call.id, ['pending', 'approved'], { status: 'running' }, turn.holder);
    const started = performance.now();
    const result =
      'refused' in checked
        ? checked.refused
        : await this.registry.execute(checked.tool, checked.args, {
            sessionId: turn.sessionId,
            platform: turn.platform,
            senderId: turn.senderId ?? '',
            signal: signal ?? new AbortController().signal,
          });
    const durationMs = Math.round(performance.now() - started);
    await this.calls.update(turn.turnId, call.id, ['running'], { status: 'completed', result: result.content, isError: result.isError ?? false, durationMs }, turn.holder);
    return result.content;
  }

  private question(call: ToolCallRecord): string {
    const args = call.arguments.length > 300 ? `${call.arguments.slice(0, 300)}…` : call.arguments;
    const id = shortId(call.id);
    const minutes = Math.max(1, Math.round(((call.expiresAt?.getTime() ?? Date.now()) - Date.now()) / 60_000));
    return `🔐 Tool ${call.tool} wants to run with ${args}: /approve ${id} or /deny ${id} (within ${minutes} min).`;
  }

  private showStepText(text: string, state: LoopState, out: ToolLoopOutput): void {
    if (!text.trim()) return;
    if (state.wroteText) out.text('\n\n');
    out.text(text);
    state.wroteText = true;
  }

  /** AGENT_TOOL_PROGRESS: a line per call (all), or when another tool than the last one starts (new). */
  private showProgress(call: ToolCallRecord, state: LoopState, out: ToolLoopOutput): void {
    const mode = this.config.agent.toolProgress;
    const shown = mode === 'all' || (mode === 'new' && call.tool !== state.lastTool);
    state.lastTool = call.tool;
    if (shown) out.note(`🔧 ${call.tool}`);
  }
}

interface LoopState {
  model: string | null;
  usage: { inputTokens?: number; outputTokens?: number };
  wroteText: boolean;
  lastTool: string | undefined;
}

/** The id an approver types: the first 8 characters of the call's uuid. */
export const shortId = (id: string): string => id.slice(0, 8);

function byStep(calls: ToolCallRecord[]): ToolCallRecord[][] {
  const steps = new Map<number, ToolCallRecord[]>();
  for (const call of calls) steps.set(call.step, [...(steps.get(call.step) ?? []), call]);
  return [...steps.values()];
}
