package dev.chaosgate.report;

/** The report page's stylesheet, inlined so the page needs no other file (system fonts only). */
final class HtmlStyle {
    private HtmlStyle() {
    }

    static final String CSS = """
            :root { --pass: #2b8a3e; --fail: #c92a2a; --skip: #868e96; --ink: #212529; --muted: #6c757d; --line: #dee2e6; }
            * { box-sizing: border-box; }
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: var(--ink); margin: 0 auto; padding: 24px 32px 48px; max-width: 1040px; background: #fff; }
            h1 { font-size: 26px; margin: 0 0 8px; }
            h2 { font-size: 20px; margin: 0 0 6px; }
            h3 { font-size: 15px; margin: 20px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
            code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
            a { color: #1c63b8; }
            .client code { background: #f1f3f5; padding: 2px 6px; border-radius: 4px; word-break: break-all; }
            .counts { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
            .count { font-weight: 600; padding: 3px 10px; border-radius: 12px; color: #fff; }
            .count.pass { background: var(--pass); } .count.fail { background: var(--fail); } .count.skip { background: var(--skip); } .count.zero { background: #eaecf0; color: #344054; }
            .meta, .muted { color: var(--muted); }
            .banner { border-left: 4px solid var(--fail); background: #fff5f5; padding: 8px 12px; }
            .badge { display: inline-block; min-width: 64px; text-align: center; font-size: 12px; font-weight: 700;
                     letter-spacing: .05em; padding: 2px 8px; border-radius: 4px; color: #fff; vertical-align: middle; }
            .badge.big { font-size: 14px; min-width: 90px; }
            .badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.skip { background: var(--skip); }
            strong.pass { color: var(--pass); } strong.fail { color: var(--fail); }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
            th { font-size: 13px; color: var(--muted); font-weight: 600; }
            th.num, td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
            table.summary { margin: 16px 0 8px; }
            table.summary tbody tr:hover { background: #f8f9fa; }
            code.code { font-weight: 700; color: var(--fail); background: #fff5f5; padding: 1px 5px; border-radius: 3px; }
            details { margin: 8px 0; }
            summary { cursor: pointer; color: #1c63b8; }
            .howto { background: #f8f9fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
            .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; margin: 6px 0; }
            .chart + .legend { font-size: 12px; color: var(--muted); margin: 2px 0 8px; }
            .legend i { display: inline-block; width: 22px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
            .key { font-size: 13px; padding: 0 4px; border-radius: 3px; white-space: nowrap; }
            .key.waited { border-bottom: 2px dashed #495057; } .key.asked { border-bottom: 2px solid #7048e8; color: #5f3dc4; }
            section.scenario { border-top: 3px solid var(--line); margin-top: 36px; padding-top: 16px; }
            section.fail { border-top-color: var(--fail); } section.pass { border-top-color: var(--pass); }
            .description { font-size: 16px; margin: 4px 0; }
            .situation { color: var(--muted); font-size: 14px; margin: 4px 0 10px; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 10px 0; }
            dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
            .finding { border-left: 4px solid var(--fail); background: #fff5f5; padding: 6px 14px; margin: 8px 0; border-radius: 0 6px 6px 0; }
            .finding p { margin: 4px 0; } .finding .what { color: var(--muted); }
            ul.evidence { margin: 4px 0 6px; padding-left: 20px; font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace;
                          font-size: 12.5px; color: #495057; }
            .chart { overflow-x: auto; }
            svg.timeline { display: block; max-width: 100%; height: auto; background: #fff; }
            svg.timeline text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #343a40; }
            svg.timeline text.phase { font-weight: 600; fill: #495057; }
            svg.timeline text.number { font-size: 13px; font-weight: 700; }
            svg.timeline text.flagged, svg.timeline text.mark { fill: var(--fail); }
            svg.timeline text.mark { font-size: 9.5px; font-weight: 700; }
            svg.timeline text.tick { fill: var(--muted); }
            svg.timeline text.waited { fill: #495057; }
            svg.timeline text.asked { fill: #5f3dc4; }
            svg.timeline text.inside { fill: #fff; font-weight: 600; }
            svg.timeline text.empty { font-size: 14px; fill: var(--muted); }
            svg.timeline rect.flagged { stroke: #212529; stroke-width: 1.5; }
            svg.timeline .grid { stroke: #d5dbe1; stroke-width: 1; }
            svg.timeline .band-edge { stroke: #ced4da; stroke-width: 1; }
            svg.timeline .axis { stroke: #868e96; stroke-width: 1; }
            svg.timeline path.waited { stroke: #495057; stroke-width: 1.3; stroke-dasharray: 4 3; fill: none; }
            svg.timeline path.asked { stroke: #7048e8; stroke-width: 1.6; fill: none; }
            .attempts table { font-size: 13px; } td.prompt { max-width: 260px; overflow-wrap: anywhere; }
            ol.shown { margin: 4px 0; padding-left: 22px; } ol.shown li { white-space: pre-wrap; overflow-wrap: anywhere; margin: 3px 0; max-height: 11em; overflow-y: auto; }
            q.draft { white-space: pre-wrap; overflow-wrap: anywhere; background: #f1f3f5; padding: 1px 4px; border-radius: 3px; }
            pre { background: #f8f9fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto;
                  white-space: pre-wrap; overflow-wrap: anywhere; }
            .note { font-size: 14px; }
            .back { font-size: 13px; margin-top: 14px; }
            footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
            """;
}
