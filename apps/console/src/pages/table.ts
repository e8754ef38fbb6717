import { html, Html } from './html';

type Cell = Html | string | number | null | undefined;

/**
 * A data table that reads at 320 px: on narrow screens each row becomes a block of "header value" lines (the
 * header repeated by CSS from data-label), instead of a table wider than the phone.
 */
export function dataTable(headers: string[], rows: Cell[][]): Html {
  return html`<div class="table-wrap"><table class="stack"><thead><tr>${headers.map((header) => html`<th scope="col">${header}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${row.map((cell, index) => html`<td data-label="${headers[index]}">${cell}</td>`)}</tr>`)}</tbody></table></div>`;
}
