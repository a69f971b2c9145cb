/**
 * A client that keeps calling the ready-app fixture's starter route, its status route and the
 * Durable status webhook of the last instance it started, recording every HTTP answer; connection
 * errors (the port closed during a restart) are counted apart.
 */
export interface Answer {
  call: 'start' | 'status' | 'webhook';
  status: number;
  retryAfter: string | null;
}

export function hammerReadyApp(origin: string, tag: string) {
  const answers: Answer[] = [];
  const started: { id: string; statusQueryGetUri: string }[] = [];
  let connectionErrors = 0;
  let running = true;
  const call = async (
    kind: Answer['call'],
    url: string,
    init?: RequestInit,
  ): Promise<Response | undefined> => {
    try {
      const res = await fetch(url, init);
      answers.push({ call: kind, status: res.status, retryAfter: res.headers.get('retry-after') });
      return res;
    } catch {
      connectionErrors += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return undefined;
    }
  };
  const loop = (async () => {
    for (let n = 0; running; n += 1) {
      const id = `${tag}-${n}`;
      const start = await call('start', `${origin}/api/sequences/${id}`, { method: 'POST' });
      if (start?.status === 202) {
        const body = (await start.json()) as { statusQueryGetUri: string };
        started.push({ id, statusQueryGetUri: body.statusQueryGetUri });
      } else {
        await start?.arrayBuffer();
      }
      const last = started[started.length - 1];
      if (!last) continue;
      await (await call('status', `${origin}/api/sequences/${last.id}`))?.arrayBuffer();
      await (await call('webhook', last.statusQueryGetUri))?.arrayBuffer();
    }
  })();
  return {
    answers,
    started,
    connectionErrors: () => connectionErrors,
    /** Resolves once `count` more starts have been answered 202. */
    async startsAnswered(count: number): Promise<void> {
      const target = started.length + count;
      while (started.length < target) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    /** Answers that are neither the route's right answer nor 503 with Retry-After. */
    wrongAnswers(): Answer[] {
      return answers.filter(
        (a) =>
          !(a.status === 503 && a.retryAfter !== null) &&
          !(a.call === 'start' && a.status === 202) &&
          !(a.call === 'status' && a.status === 200) &&
          !(a.call === 'webhook' && (a.status === 200 || a.status === 202)),
      );
    },
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}
