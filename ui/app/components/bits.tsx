import type { ComponentChildren } from "preact";

export function Card(props: { id: string; title: string; value: string; note?: ComponentChildren; tone?: "good" | "warn" | undefined }) {
  return (
    <div class={`card ${props.tone ?? ""}`} id={props.id}>
      <div class="card-title">{props.title}</div>
      <div class="card-value" data-testid={props.id}>
        {props.value}
      </div>
      {props.note === undefined ? null : <div class="card-note">{props.note}</div>}
    </div>
  );
}

/** What a page shows while it has nothing yet, or when its request failed (the API's message). */
export function Status(props: { error: string | undefined; loading: boolean; hasData: boolean }) {
  if (props.error !== undefined) return <p class="error" role="alert">{props.error}</p>;
  if (!props.hasData && props.loading) return <p class="loading">Loading…</p>;
  return null;
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section>
      <div class="section-head">
        <h2>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
