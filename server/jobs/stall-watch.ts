/**
 * Notices when this process's event loop was blocked (a long synchronous piece of work, a major
 * garbage collection). A call the pacer let through just before such a stall is only sent when
 * the stall ends, so it reaches Feishu later than the pacer recorded — bunched with the calls let
 * through after the stall, and over Feishu's limit (measured: stalls of 100–250 ms while jobs are
 * created gave 429s). The pacers re-date such calls to the end of the stall.
 *
 * A beat every `beatMs` while calls are being paced; a beat late by more than `thresholdMs` means
 * the loop was blocked from the previous beat until now. The beat stops when nothing was paced for
 * `idleMs`, so an idle server has no timer running.
 */
export class StallWatch {
  private timer: ReturnType<typeof setInterval> | null = null
  private lastBeat = 0
  private lastTouch = 0

  constructor(
    private readonly onStall: (from: number, to: number) => void,
    private readonly opts: { beatMs?: number; thresholdMs?: number; idleMs?: number; now?: () => number } = {},
  ) {}

  /** A call was just let through: keep watching for a while. */
  touch(): void {
    const now = this.now()
    this.lastTouch = now
    if (this.timer) return
    this.lastBeat = now
    this.timer = setInterval(() => this.beat(), this.beatMs)
    this.timer.unref?.()
  }

  /** When a stall that ends now may have held back a call let through at `at`. */
  heldBack(at: number, from: number): boolean {
    return at >= from - this.beatMs
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private beat(): void {
    const now = this.now()
    if (now - this.lastBeat > this.beatMs + this.thresholdMs) this.onStall(this.lastBeat, now)
    this.lastBeat = now
    if (now - this.lastTouch > (this.opts.idleMs ?? 5000)) this.stop()
  }

  private get beatMs(): number { return this.opts.beatMs ?? 10 }
  private get thresholdMs(): number { return this.opts.thresholdMs ?? 15 }
  private now(): number { return (this.opts.now ?? Date.now)() }
}
