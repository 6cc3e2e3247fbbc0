"""Server-side SVG charts of the ops page: no JavaScript, no CDN, deterministic output. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

INK, MUTED, GRID, BAR, WARN, ALERT = "#1f2933", "#616e7c", "#e4e7eb", "#3f7cac", "#d9822b", "#c23030"


@dataclass(frozen=True, slots=True)
class Bin:
    label: str
    count: int
    over: bool  # the bin lies past the threshold


def histogram_bins(values: Sequence[float], *, threshold: float, bins: int = 8) -> list[Bin]:
    """`bins` equal bins from 0 to 2 x threshold, and one overflow bin for everything beyond."""
    width = 2 * threshold / bins
    counts = [0] * (bins + 1)
    for v in values:
        counts[min(int(max(v, 0.0) / width), bins)] += 1
    out = [Bin(f"{i * width:g}", counts[i], over=(i * width) >= threshold) for i in range(bins)]
    out.append(Bin(f"≥{2 * threshold:g}", counts[bins], over=True))
    return out


def histogram_svg(bins: Sequence[Bin], *, title: str, unit: str, width: int = 260, height: int = 160) -> Markup:
    pad_l, pad_b, pad_t = 28, 30, 22
    inner_w, inner_h = width - pad_l - 6, height - pad_b - pad_t
    top = max((b.count for b in bins), default=0) or 1
    bw = inner_w / max(len(bins), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="600" fill="{INK}">{escape(title)}</text>',
             f'<text x="{width - 6}" y="14" font-size="10" text-anchor="end" fill="{MUTED}">{escape(unit)}</text>',
             f'<line x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - 6}" y2="{pad_t + inner_h}" stroke="{GRID}"/>',
             f'<text x="{pad_l - 4}" y="{pad_t + 8}" font-size="10" text-anchor="end" fill="{MUTED}">{top}</text>',
             f'<text x="{pad_l - 4}" y="{pad_t + inner_h}" font-size="10" text-anchor="end" fill="{MUTED}">0</text>']
    threshold_x = None
    for i, b in enumerate(bins):
        h = inner_h * b.count / top
        x = pad_l + i * bw
        color = ALERT if b.over else BAR
        if b.over and threshold_x is None:
            threshold_x = x
        parts.append(f'<rect x="{x + 1:.1f}" y="{pad_t + inner_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                     f'fill="{color}" rx="1.5"><title>{escape(b.label)}: {b.count}</title></rect>')
        if i % 2 == 0 or i == len(bins) - 1:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - 16}" font-size="10" text-anchor="middle" '
                         f'fill="{MUTED}">{escape(b.label)}</text>')
    if threshold_x is not None:
        parts.append(f'<line x1="{threshold_x:.1f}" y1="{pad_t - 4}" x2="{threshold_x:.1f}" y2="{pad_t + inner_h}" '
                     f'stroke="{WARN}" stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{threshold_x + 3:.1f}" y="{pad_t + 4}" font-size="10" fill="{WARN}">threshold</text>')
    parts.append(f'<text x="{pad_l}" y="{height - 3}" font-size="10" fill="{MUTED}">'
                 f'n = {sum(b.count for b in bins)}</text></svg>')
    return Markup("".join(parts))


def timeline_svg(days: Sequence[tuple[str, int, int]], *, title: str, width: int = 1080, height: int = 180) -> Markup:
    """Breaches per day (red) over diffs per day (grey), one column per (label, breaches, diffs)."""
    pad_l, pad_b, pad_t = 30, 30, 22
    inner_w, inner_h = width - pad_l - 6, height - pad_b - pad_t
    top = max((max(b, n) for _, b, n in days), default=0) or 1
    cw = inner_w / max(len(days), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="600" fill="{INK}">{escape(title)}</text>',
             f'<rect x="{width - 150}" y="5" width="9" height="9" fill="{GRID}"/>'
             f'<text x="{width - 137}" y="13" font-size="10" fill="{MUTED}">diffs</text>'
             f'<rect x="{width - 95}" y="5" width="9" height="9" fill="{ALERT}"/>'
             f'<text x="{width - 82}" y="13" font-size="10" fill="{MUTED}">breaches</text>',
             f'<line x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - 6}" y2="{pad_t + inner_h}" stroke="{GRID}"/>',
             f'<text x="{pad_l - 4}" y="{pad_t + 8}" font-size="10" text-anchor="end" fill="{MUTED}">{top}</text>']
    for i, (label, breaches, total) in enumerate(days):
        x = pad_l + i * cw
        ht, hb = inner_h * total / top, inner_h * breaches / top
        parts.append(f'<rect x="{x + 2:.1f}" y="{pad_t + inner_h - ht:.1f}" width="{cw - 4:.1f}" height="{ht:.1f}" '
                     f'fill="{GRID}" rx="1.5"><title>{escape(label)}: {total} diffs</title></rect>')
        parts.append(f'<rect x="{x + 2:.1f}" y="{pad_t + inner_h - hb:.1f}" width="{cw - 4:.1f}" height="{hb:.1f}" '
                     f'fill="{ALERT}" rx="1.5"><title>{escape(label)}: {breaches} breaches</title></rect>')
        parts.append(f'<text x="{x + cw / 2:.1f}" y="{height - 14}" font-size="10" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
