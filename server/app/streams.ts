/**
 * Long-lived answers (Signal's server-sent events) that shutdown must end cleanly: each open stream registers the
 * abort controller that stops its model call; on SIGTERM every one is aborted, saves its turn as incomplete and
 * ends its response, and shutdown waits for that before closing the database.
 */
export class StreamRegistry {
  private readonly open = new Map<AbortController, Promise<void>>();

  /** Registers a stream; call the returned function when its response has ended. */
  track(controller: AbortController): () => void {
    let done!: () => void;
    this.open.set(controller, new Promise<void>((resolve) => (done = resolve)));
    return () => {
      this.open.delete(controller);
      done();
    };
  }

  get size(): number {
    return this.open.size;
  }

  /** Aborts every open stream and resolves once all have ended. */
  async endAll(reason: Error): Promise<void> {
    const pending = [...this.open.values()];
    for (const controller of this.open.keys()) controller.abort(reason);
    await Promise.all(pending);
  }
}
