/**
 * @module Response batch
 *
 * Answers made while Node works through one batch of ready sockets are written together once
 * the batch is done, instead of one by one between the requests. Node reads every socket that
 * `epoll` reported ready in its poll phase, and `setImmediate` callbacks run in the check
 * phase right after it, so an answer waits at most for the rest of the requests already read —
 * microseconds — and an answer to a lone request goes out as soon as it is made.
 *
 * Why: each write to a caller that is idle, waiting in `epoll`, must wake it up, and on one
 * host (Keyward runs beside the platform's services, usually on loopback) the writer pays for
 * that wake-up in the kernel. Written one by one, the answers wake the caller once each, and it
 * sends its next requests one by one too; written together, one wake-up delivers them all and
 * the caller's next requests arrive together. Measured on `POST /v1/verify` at 50 connections:
 * 7–9 µs less CPU per request, about two thirds of it in the kernel (CHANGELOG.md, 2026-12-03). It is
 * the technique of Netty's `FlushConsolidationHandler` and of µWebSockets' automatic corking.
 */

/** An answer held back until the batch is written. */
export interface HeldResponse {
  /** Writes the answer; called once, in the check phase that follows. */
  write(): void;
}

/**
 * Holds answers made during one turn of the event loop and writes them at its end.
 *
 * @example
 * const responses = new ResponseBatch<Exchange>((error, exchange) => exchange.abandon(error));
 * responses.hold(exchange); // exchange.write() runs once the ready sockets have all been read
 */
export class ResponseBatch<TResponse extends HeldResponse = HeldResponse> {
  private held: TResponse[] = [];
  private spare: TResponse[] = [];
  private scheduled = false;

  /** @param onError Told when a held answer fails to write; the other answers are still written. */
  constructor(private readonly onError: (error: unknown, response: TResponse) => void) {}

  /** Holds `response` until the sockets ready now have all been read. */
  hold(response: TResponse): void {
    this.held.push(response);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writeAll);
    }
  }

  /** Answers held now (for tests). */
  get size(): number {
    return this.held.length;
  }

  private readonly writeAll = (): void => {
    // Two arrays swapped in turn: an answer made while this batch is written (none is, today)
    // joins the next batch, and no array is allocated per batch.
    const batch = this.held;
    this.held = this.spare;
    this.spare = batch;
    this.scheduled = false;
    for (let i = 0; i < batch.length; i++) {
      const response = batch[i] as TResponse;
      try {
        response.write();
      } catch (error) {
        this.onError(error, response);
      }
    }
    batch.length = 0;
  };
}
