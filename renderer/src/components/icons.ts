/**
 * The app's icons as SVG path data (24×24 grid, drawn with a 1.75 stroke). Inline SVG only:
 * no icon font, nothing fetched, nothing for the Content-Security-Policy to allow.
 */

function circle(cx: number, cy: number, r: number): string {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
}

function roundedRect(x: number, y: number, width: number, height: number, r: number): string {
  return (
    `M${x + r} ${y}h${width - 2 * r}a${r} ${r} 0 0 1 ${r} ${r}v${height - 2 * r}` +
    `a${r} ${r} 0 0 1 ${-r} ${r}h${-(width - 2 * r)}a${r} ${r} 0 0 1 ${-r} ${-r}` +
    `v${-(height - 2 * r)}a${r} ${r} 0 0 1 ${r} ${-r}z`
  );
}

export const ICONS = {
  vendors: [
    'M7 19h10.5a4.5 4.5 0 0 0 .6-8.96A6 6 0 0 0 6.2 9.06 5 5 0 0 0 7 19z',
    'M9.5 14l1.75 1.75L15 12',
  ],
  chain: [
    circle(6, 6, 2.5),
    circle(18, 12, 2.5),
    circle(6, 18, 2.5),
    'M8.3 7.2l7.4 3.6',
    'M8.3 16.8l7.4-3.6',
  ],
  alerts: ['M6 9a6 6 0 0 1 12 0c0 6.5 2.5 8 2.5 8h-17S6 15.5 6 9', 'M10.2 20.5a2 2 0 0 0 3.6 0'],
  bundles: [
    'M21 7.5 12 3 3 7.5v9l9 4.5 9-4.5z',
    'M3 7.5l9 4.5 9-4.5',
    'M12 12v9',
    'M7.5 5.25l9 4.5',
  ],
  server: [
    roundedRect(3, 4, 18, 7, 2),
    roundedRect(3, 13, 18, 7, 2),
    'M7 7.5h.01',
    'M7 16.5h.01',
    'M11 7.5h6',
    'M11 16.5h6',
  ],
  settings: [
    'M4 6h9',
    'M17 6h3',
    circle(15, 6, 2),
    'M4 12h3',
    'M11 12h9',
    circle(9, 12, 2),
    'M4 18h11',
    'M19 18h1',
    circle(17, 18, 2),
  ],
  about: [circle(12, 12, 9), 'M12 16.5v-5', 'M12 8h.01'],
  copy: [roundedRect(9, 9, 12, 12, 2), 'M5 15a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  refresh: [
    'M20 11a8 8 0 0 0-14.5-4.5L4 8',
    'M4 4v4h4',
    'M4 13a8 8 0 0 0 14.5 4.5L20 16',
    'M20 20v-4h-4',
  ],
  shield: ['M12 3l7.5 3v5.5c0 4.6-3.2 8.3-7.5 9.5-4.3-1.2-7.5-4.9-7.5-9.5V6z', 'M9 12l2 2 4-4'],
  warning: [
    'M10.3 4.2 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0z',
    'M12 9.5v4',
    'M12 17h.01',
  ],
  terminal: [roundedRect(3, 4, 18, 16, 2), 'M7 9l3 3-3 3', 'M12.5 15H17'],
  lock: [roundedRect(5, 11, 14, 10, 2), 'M8 11V7.5a4 4 0 0 1 8 0V11'],
  folder: ['M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z'],
  arrowLeft: ['M19 12H5', 'M11 6l-6 6 6 6'],
  live: [
    circle(12, 12, 2),
    'M16.2 7.8a6 6 0 0 1 0 8.4',
    'M7.8 16.2a6 6 0 0 1 0-8.4',
    'M19 5a10 10 0 0 1 0 14',
    'M5 19A10 10 0 0 1 5 5',
  ],
  key: [circle(8, 15, 4), 'M10.8 12.2 20 3', 'M16 7l3 3', 'M18.5 4.5l2 2'],
  message: ['M4 5h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-9l-5 4v-4H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z'],
  shieldAlert: [
    'M12 3l7.5 3v5.5c0 4.6-3.2 8.3-7.5 9.5-4.3-1.2-7.5-4.9-7.5-9.5V6z',
    'M12 8.5v4',
    'M12 15.5h.01',
  ],
  circleX: [circle(12, 12, 9), 'M9.2 9.2l5.6 5.6', 'M14.8 9.2l-5.6 5.6'],
  file: [
    'M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z',
    'M14 3v5h5',
    'M9 13h6',
    'M9 17h4',
  ],
} as const satisfies Record<string, readonly string[]>;

export type IconName = keyof typeof ICONS;
