import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import type { Message } from "./messages.js";

/**
 * Re-establish the source's order (by `seq`) after out-of-order per-observation work: a
 * message waits until every lower seq has passed (as a result or an error record). Messages
 * without seq pass at once; whatever still waits when the input completes is flushed in order.
 */
export function restoreOrder(): MonoTypeOperatorFunction<Message> {
  return (source) =>
    new Observable<Message>((subscriber) => {
      let next = 0;
      const waiting = new Map<number, Message[]>();
      const release = () => {
        while (waiting.has(next)) {
          for (const m of waiting.get(next)!) subscriber.next(m);
          waiting.delete(next);
          next++;
        }
      };
      return source.subscribe({
        next(m) {
          if (m.seq === undefined || m.seq < next) {
            subscriber.next(m);
            return;
          }
          const list = waiting.get(m.seq) ?? [];
          list.push(m);
          waiting.set(m.seq, list);
          release();
        },
        error: (e) => subscriber.error(e),
        complete() {
          for (const seq of [...waiting.keys()].sort((a, b) => a - b))
            for (const m of waiting.get(seq)!) subscriber.next(m);
          subscriber.complete();
        },
      });
    });
}
