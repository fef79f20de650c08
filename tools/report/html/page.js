/* page.js: draws `gomemtrace report --format html` (tools/report/html.c embeds it; what each
 * plot shows and reads from: docs/report-html.md). It reads two JSON blocks of the page:
 * #gm-data, the JSON report itself (docs/report-json.md), and #gm-stacks, every live C
 * stack of each reported process (html.c) for the flame graph; and draws plain SVG, one
 * section per process. No library, nothing fetched. Plain ES2017, no modules.
 * Hooks for tests/e2e/report_html.sh: body[data-gm-ready], each chart's data-chart and
 * data-points, the flame graph's data-nodes and data-total, the search's data-matched (a
 * search can come with the address: page.html#search=NAME); errors land in #gm-errors
 * (page.html). */
(function () {
	'use strict';

	/* ---- formatting ---- */
	var KIB = 1024, MIB = 1024 * 1024, GIB = 1024 * 1024 * 1024;

	/* "12.3 MiB", "512.0 KiB", "100 B"; "?" when unknown (null). */
	function fmtBytes(v) {
		if (v === null || v === undefined || isNaN(v)) return '?';
		var a = Math.abs(v);
		if (a >= GIB) return (v / GIB).toFixed(2) + ' GiB';
		if (a >= MIB) return (v / MIB).toFixed(1) + ' MiB';
		if (a >= KIB) return (v / KIB).toFixed(1) + ' KiB';
		return Math.round(v) + ' B';
	}
	/* "1.23 s" (3 digits below 10 s). */
	function fmtSecs(t) {
		if (t === null || t === undefined || isNaN(t)) return '?';
		return (t < 10 ? t.toFixed(3) : t < 100 ? t.toFixed(2) : t.toFixed(1)) + ' s';
	}
	function fmtCount(n) {
		return n === null || n === undefined ? '?' : Number(n).toLocaleString('en-US');
	}
	function fmtPct(x) { return (100 * x).toFixed(x < 0.1 ? 2 : 1) + ' %'; }

	/* A step of 1, 2, 2.5 or 5 x 10^k giving about n intervals over range. */
	function niceStep(range, n) {
		var raw = range / n;
		if (!(raw > 0)) return 1;
		var p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
		return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
	}
	/* Byte axis: a unit (B, KiB, MiB, GiB), a nice step in it, and the top tick. */
	function byteAxis(max) {
		var units = [[GIB, 'GiB'], [MIB, 'MiB'], [KIB, 'KiB'], [1, 'B']], u = units[3];
		for (var i = 0; i < units.length; i++) if (max >= units[i][0]) { u = units[i]; break; }
		var step = niceStep(max / u[0], 5) * u[0];
		if (u[0] === 1) step = Math.max(1, Math.round(step));
		var top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
		var ticks = [];
		for (var v = 0; v <= top + step / 2; v += step) ticks.push(v);
		return {
			top: top, ticks: ticks, label: function (v) {
				var x = v / u[0];
				return (Math.abs(x - Math.round(x)) < 1e-9 ? String(Math.round(x)) : x.toFixed(x < 10 ? 2 : 1).replace(/0+$/, '')) + ' ' + u[1];
			}
		};
	}
	/* Time axis in seconds over [lo, hi]. */
	function timeAxis(lo, hi) {
		var step = niceStep(hi - lo, 8), ticks = [];
		for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) ticks.push(v);
		var dec = step >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log10(step) + 1e-9));
		if (step < 1 && Math.abs(step * Math.pow(10, dec) - Math.round(step * Math.pow(10, dec))) > 1e-6) dec++;
		return { ticks: ticks, label: function (v) { return v.toFixed(dec) + ' s'; } };
	}
	function hash(s) {
		var h = 2166136261;
		for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
		return h >>> 0;
	}

	/* ---- DOM ---- */
	var SVGNS = 'http://www.w3.org/2000/svg';
	/* An HTML element: attrs (class, text, on<event> functions, others as attributes), children. */
	function el(tag, attrs, kids) {
		var e = document.createElement(tag);
		setAttrs(e, attrs);
		(kids || []).forEach(function (k) {
			if (k !== null && k !== undefined) e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
		});
		return e;
	}
	function svg(tag, attrs, parent) {
		var e = document.createElementNS(SVGNS, tag);
		setAttrs(e, attrs);
		if (parent) parent.appendChild(e);
		return e;
	}
	function setAttrs(e, attrs) {
		Object.keys(attrs || {}).forEach(function (k) {
			var v = attrs[k];
			if (v === null || v === undefined || v === false) return;
			if (k === 'text') e.textContent = v;
			else if (k === 'class') e.setAttribute('class', v);
			else if (k.slice(0, 2) === 'on' && typeof v === 'function') e.addEventListener(k.slice(2), v);
			else e.setAttribute(k, String(v));
		});
	}
	function svgText(parent, x, y, s, attrs) {
		var t = svg('text', Object.assign({ x: x, y: y }, attrs || {}), parent);
		t.textContent = s;
		return t;
	}
	/* The pointer's position in an SVG's own (viewBox) coordinates. */
	function svgPoint(root, ev) {
		var pt = root.createSVGPoint();
		pt.x = ev.clientX;
		pt.y = ev.clientY;
		var m = root.getScreenCTM();
		return m ? pt.matrixTransform(m.inverse()) : { x: 0, y: 0 };
	}

	/* ---- tooltip ---- */
	var tip = null;
	function tipShow(ev, node) {
		tip = tip || document.getElementById('gm-tip');
		tip.textContent = '';
		tip.appendChild(node);
		tip.hidden = false;
		var w = tip.offsetWidth, h = tip.offsetHeight, x = ev.clientX + 16, y = ev.clientY + 16;
		if (x + w > window.innerWidth - 8) x = Math.max(8, ev.clientX - w - 16);
		if (y + h > window.innerHeight - 8) y = Math.max(8, ev.clientY - h - 16);
		tip.style.left = x + 'px';
		tip.style.top = y + 'px';
	}
	function tipHide() { if (tip) tip.hidden = true; }
	/* A tooltip body: a heading and rows [swatch colour | null, label, value]. */
	function tipTable(head, rows, foot) {
		var t = el('table', {}, rows.map(function (r) {
			return el('tr', {}, [
				el('td', {}, [r[0] ? el('span', { class: 'gm-swatch', style: 'background:' + r[0] }) : null]),
				el('td', { text: r[1] }), el('td', { class: 'gm-num', text: r[2] })]);
		}));
		return el('div', {}, [el('div', { class: 'gm-tip-head', text: head }), t].concat(
			(foot || []).map(function (f) { return el('div', { text: f }); })));
	}

	/* ---- colours ---- */
	var C_RSS = [ /* the RSS split, bottom to top: sums to RSS (docs/report-html.md) */
		{ key: 'c_heap_live', label: 'C heap, live', color: '#d9480f' },
		{ key: 'c_allocator_retained', label: 'C allocator retained (glibc free)', color: '#f59f00' },
		{ key: 'c_mmap', label: 'C direct mmap (virtual)', color: '#ffd43b' },
		{ key: 'go_heap_resident', label: 'Go heap, resident', color: '#1c7ed6' },
		{ key: 'go_runtime_other', label: 'Go runtime other (metadata, stacks, other anon)', color: '#74c0fc' },
		{ key: 'file', label: 'files (file-backed)', color: '#94d82d' },
		{ key: 'shmem', label: 'shared memory (incl. LTTng buffers)', color: '#b197fc' }
	];
	var C_GOHEAP = [
		{ key: 'go_heap_in_use', label: 'Go heap in use', color: '#1c7ed6' },
		{ key: 'go_heap_free_retained', label: 'Go heap free, retained (scavenger)', color: '#f08c00' },
		{ key: 'go_heap_released', label: 'Go heap released', color: '#868e96' },
		{ key: 'lazyfree', label: 'LazyFree (MADV_FREE, still in RSS; whole process)', color: '#ae3ec9', dashed: true }
	];
	var C_TRIGGER = { background: '#37b24d', free_os_memory: '#ae3ec9', allocation: '#1098ad', other: '#868e96' };
	var TRIGGERS = ['background', 'free_os_memory', 'allocation', 'other'];
	var C_CHUNK = { inuse: '#1c7ed6', free: '#f59f00', released: '#ced4da' };
	var PALETTE = ['#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f59f00', '#0c8599', '#e64980', '#5c940d', '#6741d9', '#868e96'];

	/* ---- frames ---- */
	/* A Go frame: its file is Go source or Go assembly (what .gopclntab gives) and its function
	 * is named pkg.Name (not a GCC clone foo.part.0: cgo's C preamble has .go file names
	 * too). The rule of html.c's gm_html_kind (docs/report-html.md, "Go and C frames"). */
	function isGoFrame(f) {
		var fn = f.function || '';
		return /\.(go|s)$/.test(f.file || '') && fn.indexOf('.') >= 0 &&
			!/^[^.]*\.(part\.|isra\.|constprop\.|lto_priv\.|clone\.|cold\.|cold$|localalias$)/.test(fn);
	}
	function frameName(f) { return f.function || f.address; }
	/* The program's own Go frame of a stack: not the runtime's, not cgo's plumbing. */
	function programFrame(frames) {
		for (var i = 0; i < frames.length; i++) {
			var f = frames[i], fn = f.function || '';
			if (isGoFrame(f) && !/^(runtime[./]|_cgo_|main\._C|_C)/.test(fn)) return f;
		}
		return null;
	}
	/* A suspect's short name: innermost frame <- the program's Go frame. */
	function suspectLabel(s, i) {
		var fr = s.frames || [], inner = fr.length ? frameName(fr[0]) : '(no stack)', prog = programFrame(fr);
		var lab = '#' + (i + 1) + ' ' + inner;
		if (prog && frameName(prog) !== inner) lab += ' \u2190 ' + frameName(prog);
		return lab;
	}

	/* ---- time charts ---- */
	var M = { l: 74, r: 18, t: 30, b: 40 }, W = 1000;

	/* Draw a chart of series over the timeline's points into box.
	 * cfg: name (data-chart), t (seconds), kinds, series [{key,label,color,values,stacked,dashed,hidden}],
	 * height, marks (index -> [{color,text}]: small triangles above the plot), flags
	 * [{t,label}] (vertical dashed lines), band {from,to}, extra(i) (more tooltip lines). */
	function timeChart(box, cfg) {
		var legend = el('div', { class: 'gm-legend' });
		var root = svg('svg', { class: 'gm-chart', viewBox: '0 0 ' + W + ' ' + cfg.height, 'data-chart': cfg.name,
			'data-points': cfg.t.length, role: 'img', 'aria-label': cfg.title || cfg.name });
		box.appendChild(legend);
		box.appendChild(root);
		cfg.series.forEach(function (s) {
			var b = el('button', { type: 'button', class: s.hidden ? 'gm-off' : '', title: 'show or hide',
				onclick: function () { s.hidden = !s.hidden; b.className = s.hidden ? 'gm-off' : ''; draw(); } },
			[el('span', { class: 'gm-swatch' + (s.stacked ? '' : s.dashed ? ' gm-dashed' : ' gm-line'),
				style: s.dashed ? 'border-color:' + s.color : 'background:' + s.color }), s.label]);
			legend.appendChild(b);
		});
		var H = cfg.height, pw = W - M.l - M.r, ph = H - M.t - M.b, t = cfg.t, n = t.length;
		var lo = n ? t[0] : 0, hi = n ? t[n - 1] : 1;
		if (!(hi > lo)) { lo = Math.max(0, lo - 0.5); hi = lo + 1; }
		function X(v) { return M.l + (v - lo) / (hi - lo) * pw; }
		var ya, cursor, stackedTop;
		function Y(v) { return M.t + ph - v / ya.top * ph; }

		function draw() {
			while (root.firstChild) root.removeChild(root.firstChild);
			var vis = cfg.series.filter(function (s) { return !s.hidden; });
			stackedTop = new Array(n).fill(0);
			var max = 0, cum = [];
			vis.forEach(function (s) {
				if (!s.stacked) return;
				cum.push({ s: s, lo: stackedTop.slice() });
				for (var i = 0; i < n; i++) stackedTop[i] += s.values[i] > 0 ? s.values[i] : 0;
				cum[cum.length - 1].hi = stackedTop.slice();
			});
			for (var i = 0; i < n; i++) max = Math.max(max, stackedTop[i]);
			vis.forEach(function (s) { if (!s.stacked) s.values.forEach(function (v) { if (v > max) max = v; }); });
			ya = byteAxis(max > 0 ? max : 1);
			var xa = timeAxis(lo, hi);
			/* grid and axes */
			ya.ticks.forEach(function (v) {
				svg('line', { class: 'gm-grid', x1: M.l, x2: M.l + pw, y1: Y(v), y2: Y(v) }, root);
				svgText(root, M.l - 6, Y(v) + 4, ya.label(v), { 'text-anchor': 'end' });
			});
			xa.ticks.forEach(function (v) {
				svg('line', { class: 'gm-axis', x1: X(v), x2: X(v), y1: M.t + ph, y2: M.t + ph + 5 }, root);
				svgText(root, X(v), M.t + ph + 18, xa.label(v), { 'text-anchor': 'middle' });
			});
			svg('line', { class: 'gm-axis', x1: M.l, x2: M.l + pw, y1: M.t + ph, y2: M.t + ph }, root);
			svg('line', { class: 'gm-axis', x1: M.l, x2: M.l, y1: M.t, y2: M.t + ph }, root);
			svgText(root, M.l + pw / 2, H - 4, 'time since the trace started (s)', { 'text-anchor': 'middle' });
			svgText(root, 12, M.t + ph / 2, cfg.yTitle || 'memory (bytes)',
				{ class: 'gm-title-y', 'text-anchor': 'middle', transform: 'rotate(-90 12 ' + (M.t + ph / 2) + ')' });
			if (cfg.band && cfg.band.to > cfg.band.from)
				svg('rect', { class: 'gm-band', x: X(Math.max(lo, cfg.band.from)), y: M.t,
					width: Math.max(1, X(Math.min(hi, cfg.band.to)) - X(Math.max(lo, cfg.band.from))), height: ph }, root);
			/* stacked areas */
			cum.forEach(function (c) {
				if (!n) return;
				var d = '';
				for (var i = 0; i < n; i++) d += (i ? 'L' : 'M') + X(t[i]).toFixed(1) + ',' + Y(c.hi[i]).toFixed(1);
				for (var j = n - 1; j >= 0; j--) d += 'L' + X(t[j]).toFixed(1) + ',' + Y(c.lo[j]).toFixed(1);
				if (n === 1) d = 'M' + (X(t[0]) - 3) + ',' + Y(c.hi[0]) + 'h6V' + Y(c.lo[0]) + 'h-6Z';
				svg('path', { d: d + 'Z', fill: c.s.color, 'fill-opacity': 0.85, stroke: c.s.color, 'stroke-width': 0.5 }, root);
			});
			/* lines (a gap where a value is unknown) */
			vis.forEach(function (s) {
				if (s.stacked) return;
				var d = '', pen = false;
				for (var i = 0; i < n; i++) {
					var v = s.values[i];
					if (v === null || v === undefined) { pen = false; continue; }
					d += (pen ? 'L' : 'M') + X(t[i]).toFixed(1) + ',' + Y(v).toFixed(1);
					pen = true;
				}
				if (d) svg('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': s.width || 2,
					'stroke-dasharray': s.dashed ? '6 4' : null, 'stroke-linejoin': 'round' }, root);
				if (s.dots && n <= 150)
					for (var k = 0; k < n; k++)
						if (s.values[k] !== null && s.values[k] !== undefined)
							svg('circle', { cx: X(t[k]), cy: Y(s.values[k]), r: 2.2, fill: s.color, class: 'gm-point' }, root);
			});
			/* release marks above the plot */
			Object.keys(cfg.marks || {}).forEach(function (i) {
				cfg.marks[i].forEach(function (mk, k) {
					var x = X(t[i]), y = M.t - 4 - k * 7;
					svg('path', { d: 'M' + (x - 4) + ',' + (y - 6) + 'h8l-4,6Z', fill: mk.color, class: 'gm-release-mark' }, root);
				});
			});
			/* finding flags */
			(cfg.flags || []).forEach(function (f, k) {
				var x = X(Math.min(hi, Math.max(lo, f.t)));
				svg('line', { class: 'gm-flag', x1: x, x2: x, y1: M.t, y2: M.t + ph }, root);
				var left = x - M.l > 140; /* the label on the flag's left, unless too near the axis */
				svgText(root, left ? x - 4 : x + 4, M.t + 14 + 14 * k, f.label, { class: 'gm-flag-label', 'text-anchor': left ? 'end' : 'start' });
			});
			cursor = svg('line', { class: 'gm-cursor', x1: 0, x2: 0, y1: M.t, y2: M.t + ph, visibility: 'hidden' }, root);
			svg('rect', { x: M.l, y: 0, width: pw, height: M.t + ph, fill: 'transparent', class: 'gm-hover' }, root);
		}

		function nearest(x) {
			var v = lo + (x - M.l) / pw * (hi - lo), best = 0;
			for (var i = 1; i < n; i++) if (Math.abs(t[i] - v) < Math.abs(t[best] - v)) best = i;
			return best;
		}
		root.addEventListener('mousemove', function (ev) {
			if (!n) return;
			var p = svgPoint(root, ev), i = nearest(p.x);
			cursor.setAttribute('x1', X(t[i]));
			cursor.setAttribute('x2', X(t[i]));
			cursor.setAttribute('visibility', 'visible');
			var rows = [];
			cfg.series.slice().reverse().forEach(function (s) {
				if (!s.hidden) rows.push([s.color, s.label, fmtBytes(s.values[i])]);
			});
			var foot = cfg.extra ? cfg.extra(i) : [];
			tipShow(ev, tipTable(fmtSecs(t[i]) + (cfg.kinds && cfg.kinds[i] ? ' \u00b7 ' + cfg.kinds[i] + ' sample' : ''), rows, foot));
		});
		root.addEventListener('mouseleave', function () { cursor.setAttribute('visibility', 'hidden'); tipHide(); });
		draw();
		return root;
	}

	/* ---- the Go heap map ---- */
	/* Rows: the 4 MiB chunks by base address (several per row when there are many); columns:
	 * the timeline's points; each cell split bottom-up into in use / free retained / released. */
	function chunkMap(box, tl) {
		var gc = tl.go_chunks, t = tl.t_s, n = t.length;
		var chunks = gc.chunks.map(function (c) { return { base: parseInt(c.base, 16), hex: c.base, inuse: c.inuse, released: c.released }; })
			.sort(function (a, b) { return a.base - b.base; });
		var per = Math.max(1, Math.ceil(chunks.length / 160)), rows = [];
		for (var i = 0; i < chunks.length; i += per) rows.push(chunks.slice(i, i + per));
		var rh = Math.max(2, Math.min(24, Math.floor(420 / Math.max(1, rows.length))));
		var ML = 118, top = 8, ph = rows.length * rh, H = top + ph + 40, pw = W - ML - M.r;
		var lo = n ? t[0] : 0, hi = n ? t[n - 1] : 1;
		if (!(hi > lo)) { lo = Math.max(0, lo - 0.5); hi = lo + 1; }
		function X(v) { return ML + (v - lo) / (hi - lo) * pw; }
		var edge = []; /* column i spans [edge[i], edge[i+1]) */
		for (var k = 0; k <= n; k++)
			edge.push(k === 0 ? X(lo) : k === n ? X(hi) : X((t[k - 1] + t[k]) / 2));
		if (n === 1) { edge = [ML, ML + pw]; }
		var root = svg('svg', { class: 'gm-chart', viewBox: '0 0 ' + W + ' ' + H, 'data-chart': 'go-chunks',
			'data-points': n, 'data-chunks': chunks.length, role: 'img', 'aria-label': 'Go heap chunks over time' });
		var legend = el('div', { class: 'gm-legend' }, [
			['inuse', 'in use'], ['free', 'free, retained'], ['released', 'released to the OS']].map(function (k) {
			return el('span', {}, [el('span', { class: 'gm-swatch', style: 'background:' + C_CHUNK[k[0]] }), ' ' + k[1]]);
		}));
		legend.style.marginLeft = ML + 'px';
		box.appendChild(legend);
		box.appendChild(root);
		var cp = gc.chunk_pages || 512, pg = gc.page_bytes || 8192;
		/* state of row r at point i: [inuse, free, released] pages and the chunks present */
		function cell(r, i) {
			var u = 0, f = 0, rel = 0, present = 0;
			rows[r].forEach(function (c) {
				if (c.inuse[i] === null || c.inuse[i] === undefined) return;
				present++;
				u += c.inuse[i];
				rel += c.released[i] || 0;
				f += Math.max(0, cp - c.inuse[i] - (c.released[i] || 0));
			});
			return { u: u, f: f, r: rel, present: present };
		}
		var q = 32; /* cells are drawn in 1/32ths: equal neighbours merge into one run */
		rows.forEach(function (row, r) {
			var y0 = top + r * rh, run = null;
			function flush() {
				if (!run) return;
				var x = edge[run.from], w = Math.max(0.5, edge[run.to + 1] - x), h = rh - (rh > 4 ? 1 : 0), yb = y0 + h;
				var parts = [['inuse', run.k[0]], ['free', run.k[1]], ['released', run.k[2]]];
				parts.forEach(function (p) {
					if (!p[1]) return;
					var hh = h * p[1] / q;
					svg('rect', { x: x.toFixed(2), y: (yb - hh).toFixed(2), width: w.toFixed(2), height: hh.toFixed(2), fill: C_CHUNK[p[0]] }, root);
					yb -= hh;
				});
				run = null;
			}
			for (var i = 0; i < n; i++) {
				var c = cell(r, i), tot = c.u + c.f + c.r;
				if (!c.present || !tot) { flush(); continue; }
				var ku = Math.round(q * c.u / tot), kr = Math.round(q * c.r / tot), kf = Math.max(0, q - ku - kr);
				var key = [ku, kf, kr];
				if (run && run.k.join() === key.join() && run.to === i - 1) run.to = i;
				else { flush(); run = { from: i, to: i, k: key }; }
			}
			flush();
		});
		/* address labels: the first row, the last, and rows starting a new 64 MiB arena */
		var lastLab = -99;
		rows.forEach(function (row, r) {
			var arena = Math.floor(row[0].base / (64 * MIB));
			var prev = r ? Math.floor(rows[r - 1][rows[r - 1].length - 1].base / (64 * MIB)) : -1;
			if ((r === 0 || arena !== prev || r === rows.length - 1) && (r - lastLab) * rh >= 13) {
				svgText(root, ML - 6, top + r * rh + Math.min(rh, 11), row[0].hex, { 'text-anchor': 'end', class: 'gm-mono' });
				lastLab = r;
			}
		});
		var xa = timeAxis(lo, hi);
		xa.ticks.forEach(function (v) {
			svg('line', { class: 'gm-axis', x1: X(v), x2: X(v), y1: top + ph, y2: top + ph + 5 }, root);
			svgText(root, X(v), top + ph + 18, xa.label(v), { 'text-anchor': 'middle' });
		});
		svg('line', { class: 'gm-axis', x1: ML, x2: ML + pw, y1: top + ph, y2: top + ph }, root);
		svgText(root, ML + pw / 2, H - 4, 'time since the trace started (s)', { 'text-anchor': 'middle' });
		var cursor = svg('rect', { x: 0, y: 0, width: 0, height: rh, fill: 'none', stroke: 'currentColor', 'stroke-width': 1, visibility: 'hidden' }, root);
		root.addEventListener('mousemove', function (ev) {
			var p = svgPoint(root, ev), r = Math.floor((p.y - top) / rh), i = 0;
			if (r < 0 || r >= rows.length || p.x < ML || !n) { cursor.setAttribute('visibility', 'hidden'); tipHide(); return; }
			while (i < n - 1 && p.x >= edge[i + 1]) i++;
			var c = cell(r, i), row = rows[r];
			setAttrs(cursor, { x: edge[i], y: top + r * rh, width: Math.max(1, edge[i + 1] - edge[i]), visibility: 'visible' });
			var head = row.length > 1 ? row[0].hex + ' \u2026 ' + row[row.length - 1].hex + ' (' + row.length + ' chunks)' : 'chunk ' + row[0].hex;
			var foot = [fmtSecs(t[i]) + (tl.kind ? ' \u00b7 ' + tl.kind[i] + ' sample' : '')];
			if (!c.present) foot.push('not part of the heap then');
			tipShow(ev, tipTable(head, c.present ? [[C_CHUNK.inuse, 'in use', fmtBytes(c.u * pg)],
				[C_CHUNK.free, 'free, retained', fmtBytes(c.f * pg)], [C_CHUNK.released, 'released', fmtBytes(c.r * pg)]] : [], foot));
		});
		root.addEventListener('mouseleave', function () { cursor.setAttribute('visibility', 'hidden'); tipHide(); });
		if (per > 1)
			box.appendChild(el('p', { class: 'gm-note', text: 'Each row: ' + per + ' consecutive chunks (' + fmtBytes(per * cp * pg) + ' of addresses).' }));
	}

	/* ---- flame graph ---- */
	/* Icicle of live C memory by stack: the root on top, callers above callees, width by bytes.
	 * data: { total, frames: [[name, kind, module, location]], stacks: [[bytes, count, frame...]] }
	 * (frames outermost first). Click: zoom; the search box highlights matches. */
	function flameGraph(box, data, procName) {
		var fr = data.frames, rootN = { name: procName || 'all', f: -1, v: 0, n: 0, kids: [], map: new Map(), parent: null };
		data.stacks.forEach(function (s) {
			var node = rootN;
			node.v += s[0];
			node.n += s[1];
			for (var i = 2; i < s.length; i++) {
				var k = node.map.get(s[i]);
				if (!k) {
					k = { name: fr[s[i]][0], f: s[i], v: 0, n: 0, kids: [], map: new Map(), parent: node };
					node.map.set(s[i], k);
					node.kids.push(k);
				}
				k.v += s[0];
				k.n += s[1];
				node = k;
			}
		});
		(function sort(nd) { nd.kids.sort(function (a, b) { return b.v - a.v || (a.name < b.name ? -1 : 1); }); nd.kids.forEach(sort); })(rootN);
		var bar = el('div', { class: 'gm-flame-bar' });
		var input = el('input', { type: 'search', placeholder: 'search functions', title: 'a part of a function name, in any case', 'aria-label': 'search functions' });
		var info = el('span', { class: 'gm-match-info', 'data-matched': '0' });
		var reset = el('button', { type: 'button', text: 'reset zoom' });
		bar.appendChild(input);
		bar.appendChild(info);
		bar.appendChild(reset);
		box.appendChild(bar);
		box.appendChild(el('div', { class: 'gm-legend', style: 'margin-left:0' }, [
			['hsl(205,70%,64%)', 'Go frame'], ['hsl(25,85%,62%)', 'C frame'], ['hsl(0,0%,72%)', 'not symbolized']].map(function (k) {
			return el('span', {}, [el('span', { class: 'gm-swatch', style: 'background:' + k[0] }), ' ' + k[1]]);
		})));
		var root = svg('svg', { class: 'gm-chart gm-flame', 'data-chart': 'flame', role: 'img', 'aria-label': 'flame graph of live C memory' });
		box.appendChild(root);
		var RH = 18, zoom = rootN, query = '';
		function color(nd) {
			if (nd.f < 0) return '#c5cad3';
			var kind = fr[nd.f][1], h = hash(nd.name);
			if (kind === 'go') return 'hsl(' + (195 + h % 22) + ',' + (58 + (h >> 5) % 20) + '%,' + (60 + (h >> 9) % 14) + '%)';
			if (kind === 'c') return 'hsl(' + (14 + h % 26) + ',' + (78 + (h >> 5) % 16) + '%,' + (60 + (h >> 9) % 12) + '%)';
			return 'hsl(0,0%,' + (68 + h % 10) + '%)';
		}
		function matches(nd) { return query !== '' && nd.f >= 0 && nd.name.toLowerCase().indexOf(query) >= 0; }
		function draw() {
			while (root.firstChild) root.removeChild(root.firstChild);
			var anc = [];
			for (var a = zoom.parent; a; a = a.parent) anc.unshift(a);
			var depth = 0;
			(function deep(nd, d) { if (d > depth) depth = d; nd.kids.forEach(function (k) { if (k.v / zoom.v * W >= 0.5) deep(k, d + 1); }); })(zoom, 0);
			var H = (anc.length + depth + 1) * RH + 2, count = 0;
			root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
			function box1(nd, x, w, row) {
				var g = svg('g', {}, root), cls = matches(nd) ? 'gm-match' : query ? 'gm-dim' : null;
				var r = svg('rect', { x: x.toFixed(2), y: row * RH, width: Math.max(0.5, w).toFixed(2), height: RH - 1, fill: color(nd), class: cls }, g);
				r.gmNode = nd;
				count++;
				if (w > 28) {
					var chars = Math.floor((w - 6) / 6.6), s = nd.name;
					if (s.length > chars) s = s.slice(0, Math.max(1, chars - 1)) + '\u2026';
					svgText(g, x + 3, row * RH + 13, s);
				}
			}
			anc.forEach(function (nd, i) { box1(nd, 0, W, i); });
			(function lay(nd, x, row) {
				var w = nd.v / zoom.v * W;
				box1(nd, x, w, row);
				var cx = x;
				nd.kids.forEach(function (k) {
					var kw = k.v / zoom.v * W;
					if (kw >= 0.5) lay(k, cx, row + 1);
					cx += kw;
				});
			})(zoom, 0, anc.length);
			root.setAttribute('data-nodes', count);
			root.setAttribute('data-total', rootN.v);
		}
		function search() {
			query = input.value.trim().toLowerCase();
			var got = 0;
			(function walk(nd) { if (matches(nd)) got += nd.v; else nd.kids.forEach(walk); })(rootN);
			info.setAttribute('data-matched', got);
			info.textContent = query ? 'matched: ' + fmtBytes(got) + ' of ' + fmtBytes(rootN.v) + ' (' + fmtPct(rootN.v ? got / rootN.v : 0) + ')' : '';
			draw();
		}
		/* a link can carry a search: page.html#search=main.leak */
		var hm = /(?:^#|&)search=([^&]*)/.exec(window.location.hash || '');
		if (hm) input.value = decodeURIComponent(hm[1]);
		input.addEventListener('input', search);
		reset.addEventListener('click', function () { zoom = rootN; draw(); });
		root.addEventListener('click', function (ev) {
			var nd = ev.target && ev.target.gmNode;
			if (nd) { zoom = nd === zoom && nd.parent ? nd.parent : nd; draw(); }
		});
		root.addEventListener('mousemove', function (ev) {
			var nd = ev.target && ev.target.gmNode;
			if (!nd) { tipHide(); return; }
			var f = nd.f >= 0 ? fr[nd.f] : null, rows = [
				[null, 'live', fmtBytes(nd.v)], [null, 'of all live C memory', fmtPct(rootN.v ? nd.v / rootN.v : 0)],
				[null, 'blocks / mappings', fmtCount(nd.n)]];
			if (nd.parent) rows.push([null, 'of its caller', fmtPct(nd.parent.v ? nd.v / nd.parent.v : 0)]);
			var foot = [];
			if (f) foot.push((f[1] === 'go' ? 'Go' : f[1] === 'c' ? 'C' : 'not symbolized') + (f[2] ? ' \u00b7 ' + f[2] : '') + (f[3] ? ' \u00b7 ' + f[3] : ''));
			foot.push('click: zoom in (again: out)');
			tipShow(ev, tipTable(nd.name, rows, foot));
		});
		root.addEventListener('mouseleave', tipHide);
		search();
	}

	/* ---- tables ---- */
	function table(name, head, rows, numeric) {
		return el('div', { class: 'gm-table-wrap' }, [el('table', { class: 'gm-table', 'data-table': name }, [
			el('thead', {}, [el('tr', {}, head.map(function (h, i) { return el('th', { class: numeric[i] ? 'gm-num' : null, text: h }); }))]),
			el('tbody', {}, rows.map(function (r) {
				return el('tr', {}, r.map(function (c, i) {
					return el('td', { class: numeric[i] ? 'gm-num' : null }, [c === null || c === undefined ? '' : c]);
				}));
			}))])]);
	}
	function framesList(frames) {
		return el('ol', { class: 'gm-frames gm-mono' }, frames.map(function (f) {
			var where = f.file ? ' ' + f.file + ':' + f.line : '', mod = f.module ? ' [' + f.module.replace(/^.*\//, '') + ']' : '';
			return el('li', { class: isGoFrame(f) ? 'gm-frame-go' : 'gm-frame-c' },
				[f.address + ' ' + (f.function || '?') + where + mod + (f.inlined ? ' (inlined)' : '') +
					(f.status !== 'ok' ? ' (' + f.status + ')' : '')]);
		}));
	}
	function suspectsTable(p, list, name) {
		var sampled = p.sampled_allocations > 0;
		return table(name || 'suspects', ['#', 'live', 'kind', 'live blocks', 'allocated', 'freed', 'first seen', 'last seen', 'stack (innermost first)'],
			(list || p.leak_suspects).map(function (s, i) {
				var tags = [];
				if (s.growing) tags.push(el('span', { class: 'gm-tag gm-bad', text: 'growing' }));
				if (s.truncated) tags.push(el('span', { class: 'gm-tag', text: 'truncated at the cgo boundary' }));
				var stack = el('details', {}, [el('summary', {}, [suspectLabel(s, i).replace(/^#\d+ /, '')].concat(tags)), framesList(s.frames || [])]);
				return [String(i + 1), (sampled ? '~' : '') + fmtBytes(s.bytes) + (s.bytes_stderr ? ' \u00b1 ' + fmtBytes(s.bytes_stderr) : ''),
					s.kind, fmtCount(s.allocations), fmtCount(s.allocated_total) + ' (' + fmtBytes(s.allocated_bytes_total) + ')',
					fmtCount(s.frees), fmtSecs(s.first_seen_s), fmtSecs(s.last_seen_s), stack];
			}), [false, true, false, true, true, true, true, true, false]);
	}
	/* Where the cumulative released bytes rise, by trigger: { index: [{trigger, bytes}] }. */
	function releaseRises(tl) {
		var out = {};
		if (!tl.released) return out;
		TRIGGERS.forEach(function (trig) {
			var a = tl.released[trig];
			if (!a) return;
			for (var i = 0; i < a.length; i++) {
				var d = (a[i] || 0) - (i ? a[i - 1] || 0 : 0);
				if (d > 0) (out[i] = out[i] || []).push({ trigger: trig, bytes: d });
			}
		});
		return out;
	}
	function releasesSection(sec, p, tl) {
		var r = p.releases || {}, total = TRIGGERS.reduce(function (s, k) { return s + (r[k] || 0); }, 0);
		sec.appendChild(el('h3', { text: 'Go heap released to the OS (madvise), by trigger' }));
		if (!total) { sec.appendChild(el('p', { class: 'gm-note', text: 'No release during the trace.' })); return; }
		sec.appendChild(table('releases', ['trigger', 'released', 'share'], TRIGGERS.filter(function (k) { return r[k]; }).map(function (k) {
			return [el('span', {}, [el('span', { class: 'gm-swatch', style: 'background:' + C_TRIGGER[k] }), ' ' + k]), fmtBytes(r[k]), fmtPct(r[k] / total)];
		}), [false, true, true]));
		var notes = 'MADV_DONTNEED ' + fmtBytes(r.madv_dontneed) + ', MADV_FREE ' + fmtBytes(r.madv_free) + '.';
		if (r.retained_measured_bytes)
			notes += ' Freed pages stayed retained ' + r.retained_before_release_avg_s.toFixed(1) + ' s on average (max ' +
				r.retained_before_release_max_s.toFixed(1) + ' s) before their release (' + fmtBytes(r.retained_measured_bytes) + ' measured).';
		sec.appendChild(el('p', { class: 'gm-note', text: notes }));
		if (!tl) return;
		var rises = releaseRises(tl), idx = Object.keys(rises).map(Number).sort(function (a, b) { return a - b; });
		if (!idx.length) return;
		var d = el('details', {}, [el('summary', { text: 'releases between the timeline\u2019s points (' + idx.length + ')' })]);
		d.appendChild(table('release-points', ['up to', 'sample'].concat(TRIGGERS), idx.map(function (i) {
			var row = [fmtSecs(tl.t_s[i]), tl.kind ? tl.kind[i] : ''];
			TRIGGERS.forEach(function (k) {
				var x = rises[i].filter(function (e) { return e.trigger === k; })[0];
				row.push(x ? fmtBytes(x.bytes) : '');
			});
			return row;
		}), [true, false, true, true, true, true]));
		sec.appendChild(d);
	}

	/* ---- one process ---- */
	function figures(p) {
		var f = p.final || {}, items = [
			['RSS', f.rss, '#495057'], ['C heap, live', f.c_heap_live, '#d9480f'],
			['C allocator retained', f.c_allocator_retained, '#f59f00'], ['C direct mmap (virtual)', f.c_mmap, '#ffd43b'],
			['Go heap in use', f.go_heap_in_use, '#1c7ed6'],
			['\u2026 of which live objects', f.go_heap_objects, '#1971c2'], ['\u2026 of which span fragmentation', f.go_heap_unused, '#a5d8ff'],
			['Go heap free, retained', f.go_heap_free_retained, '#f08c00'],
			['Go heap released', f.go_heap_released, '#868e96'], ['Go heap resident (in RAM)', f.go_heap_resident, '#1864ab'],
			['Go runtime other', f.go_runtime_other, '#74c0fc'],
			['files', f.file, '#94d82d'], ['shared memory', f.shmem, '#b197fc']];
		if (p.cgroup) items.splice(1, 0, ['cgroup (the OOM killer\u2019s figure)', p.cgroup.current, '#e64980']);
		items = items.filter(function (it) { return !(/of which/.test(it[0]) && (it[1] === null || it[1] === undefined)); });
		return el('div', { class: 'gm-figures' }, items.map(function (it) {
			var approx = p.approximate && /^C/.test(it[0]) ? '~' : '';
			return el('div', { class: 'gm-figure', style: 'border-top-color:' + it[2] },
				[el('div', { class: 'gm-label', text: it[0] }), el('div', { class: 'gm-value', text: approx + fmtBytes(it[1]) })]);
		}));
	}

	function procSection(p, pi, stacks) {
		var tl = p.timeline || null;
		var sec = el('section', { class: 'gm-proc', 'data-pid': p.pid, 'data-generation': p.generation });
		var name = p.procname || (p.exe || '?').replace(/^.*\//, '');
		sec.appendChild(el('h2', { text: 'pid ' + p.pid + (p.generation ? ' (after exec ' + p.generation + ')' : '') + ' \u00b7 ' + name +
			' \u00b7 ' + (p.go_version ? p.go_version : 'not Go') }));
		var sub = [p.exe || '', 'seen ' + fmtSecs(p.first_seen_s) + ' \u2013 ' + fmtSecs(p.last_seen_s),
			p.samples + ' sample' + (p.samples === 1 ? '' : 's'),
			p.exited ? 'exited' + (p.exit_status !== null && p.exit_status !== undefined ? ' (status ' + p.exit_status + ')' : '') : 'still running at the end',
			p.sampled_allocations > 0 ? 'C allocations sampled (1 in ~' + fmtBytes(p.sampled_allocations) + '; \u2265 ' + fmtBytes(p.sample_big) + ' all recorded): C figures are estimates (~)'
				: 'every C allocation recorded'];
		if (p.approximate) sub.push('approximate: events were lost or sampled (~)');
		sec.appendChild(el('p', { class: 'gm-sub', text: sub.filter(Boolean).join(' \u00b7 ') }));
		if (p.run_window)
			sec.appendChild(el('p', { class: 'gm-note', text: (p.run_window.snapshot ? 'A flight recorder\u2019s snapshot' : 'A window of a longer run') +
				': C figures cover ' + fmtSecs(p.run_window.start_s) + ' \u2013 ' + fmtSecs(p.run_window.end_s) + ' (memory allocated before it is not in them).' }));

		/* findings first */
		sec.appendChild(el('h3', { text: 'Findings' }));
		var fl = el('ol', { class: 'gm-findings' });
		(p.findings || []).forEach(function (f, i) {
			fl.appendChild(el('li', { class: 'gm-finding', 'data-kind': f.kind }, [
				el('span', { class: 'gm-kind', text: (i + 1) + '. ' + f.kind }), el('span', { class: 'gm-bytes', text: fmtBytes(f.bytes) }),
				el('span', { class: 'gm-summary', text: f.summary })]));
		});
		if (!(p.findings || []).length)
			fl.appendChild(el('li', { class: 'gm-finding gm-none', text: 'None above the thresholds (docs/report.md, \u201cFindings and thresholds\u201d).' }));
		sec.appendChild(fl);
		var fs = (p.final || {}).sample;
		sec.appendChild(el('h3', { text: 'Memory at the end (' + (fs && fs !== 'none' ? fs : 'no') + ' sample' +
			((p.final || {}).at_s !== null && (p.final || {}).at_s !== undefined ? ', ' + fmtSecs(p.final.at_s) : '') + ')' }));
		sec.appendChild(figures(p));

		/* the timeline plots */
		if (!tl || !tl.points) {
			sec.appendChild(el('p', { class: 'gm-note', text: 'No samples in the trace: no memory over time (record with --sample-ms).' }));
		} else {
			var t = tl.t_s, decim = tl.samples > tl.points ? ' The trace has ' + tl.samples + ' samples: one in ' + tl.stride +
				' is drawn (and the last), ' + tl.points + ' points.' : ' ' + tl.points + ' samples.';
			var rises = releaseRises(tl), marks = {}, fAt = (p.final && p.final.at_s !== null && p.final.at_s !== undefined) ? p.final.at_s : t[t.length - 1];
			Object.keys(rises).forEach(function (i) { marks[i] = rises[i].map(function (e) { return { color: C_TRIGGER[e.trigger] }; }); });
			var flags = (p.findings || []).map(function (f, i) { return { t: fAt, label: (i + 1) + ' ' + f.kind }; });
			var band = null, sus = p.leak_suspects || [];
			if ((p.findings || []).some(function (f) { return f.kind === 'cgo_leak'; }) && sus.length)
				band = { from: Math.min.apply(null, sus.map(function (s) { return s.first_seen_s; })), to: fAt };
			function extra(i) {
				var out = [];
				(rises[i] || []).forEach(function (e) { out.push('released since the previous point: ' + fmtBytes(e.bytes) + ' (' + e.trigger + ')'); });
				if (i === t.length - 1) (p.findings || []).forEach(function (f, k) { out.push('finding ' + (k + 1) + ' [' + f.kind + '] ' + fmtBytes(f.bytes)); });
				return out;
			}
			sec.appendChild(el('h3', { text: 'RSS over time, split by owner' }));
			sec.appendChild(el('p', { class: 'gm-note', text: 'Stacked: the parts sum to RSS (the line). Triangles on top: Go heap releases to the OS ' +
				'(colour: trigger); dashed flags: the findings, judged at the last sample' + (band ? '; shaded: from the first leak suspect\u2019s first allocation' : '') + '. ' +
				'Click a legend entry to hide or show it (e.g. shared memory, mostly LTTng\u2019s ring buffers).' + decim }));
			var rssMax = Math.max.apply(null, tl.rss.map(function (v) { return v || 0; }));
			var cgMax = tl.cgroup_current ? Math.max.apply(null, tl.cgroup_current.map(function (v) { return v || 0; })) : 0;
			var ser = C_RSS.map(function (s) { return Object.assign({ stacked: true, values: tl[s.key] || [] }, s); });
			ser.push({ key: 'rss', label: 'RSS', color: 'currentColor', values: tl.rss, dots: true, width: 2.2 });
			if (cgMax > 0)
				ser.push({ key: 'cgroup_current', label: 'cgroup memory' + (cgMax > 1.5 * rssMax ? ' (far above RSS: hidden, click to show)' : ''),
					color: '#e64980', values: tl.cgroup_current, dashed: true, hidden: cgMax > 1.5 * rssMax });
			var chartBox = el('div', { class: 'gm-plot', 'data-plot': 'rss', id: 'gm-p' + pi + '-rss' });
			sec.appendChild(chartBox);
			timeChart(chartBox, { name: 'rss', title: 'RSS split over time', t: t, kinds: tl.kind, series: ser, height: 360,
				marks: marks, flags: flags, band: band, extra: extra });
			var legendR = el('div', { class: 'gm-legend' }, TRIGGERS.map(function (k) {
				return el('span', {}, [el('span', { class: 'gm-swatch', style: 'background:' + C_TRIGGER[k] }), ' release: ' + k]);
			}));
			chartBox.appendChild(legendR);

			sec.appendChild(el('h3', { text: 'Go heap' }));
			if (tl.go_heap_in_use && tl.go_heap_in_use.some(function (v) { return v !== null; })) {
				var gbox = el('div', { class: 'gm-plot', 'data-plot': 'go-heap', id: 'gm-p' + pi + '-go-heap' });
				sec.appendChild(gbox);
				timeChart(gbox, { name: 'go-heap', title: 'Go heap over time', t: t, kinds: tl.kind, height: 260, extra: extra, marks: marks,
					series: C_GOHEAP.map(function (s) { return Object.assign({ values: tl[s.key] || [] }, s); }) });
			} else {
				sec.appendChild(el('p', { class: 'gm-note', text: 'The Go heap figures are unknown in this trace (not Go, or the tracer turned them off: see the warnings).' }));
			}
			if (tl.go_chunks && tl.go_chunks.chunks && tl.go_chunks.chunks.length) {
				sec.appendChild(el('p', { class: 'gm-note', text: 'Chunks \u00d7 time: each row is a 4 MiB chunk of the Go heap (by base address), each column a point of the timeline; ' +
					'a cell\u2019s colours are the shares of its pages in use, free but retained, and released. Arenas and spans are visible as they fill, free and are scavenged. ' +
					(tl.chunks_untracked ? 'Chunks beyond the reader\u2019s bound (4096, 16 GiB) have no row. ' : '') +
					'LazyFree (released with MADV_FREE, still in RSS) is known for the whole process only' +
					(p.final && p.final.go_heap_lazyfree ? ': ' + fmtBytes(p.final.go_heap_lazyfree) + ' at the end.' : '.') }));
				var cbox = el('div', { class: 'gm-plot', 'data-plot': 'go-chunks', id: 'gm-p' + pi + '-go-chunks' });
				sec.appendChild(cbox);
				chunkMap(cbox, tl);
			}

			sec.appendChild(el('h3', { text: 'Live C memory of the top leak suspects over time' }));
			if (tl.stacks && tl.stacks.length) {
				if (tl.stacks_untracked)
					sec.appendChild(el('p', { class: 'gm-note', text: 'Some stacks were beyond the reader\u2019s bound of stacks followed over time: ' +
						'C direct mmap, releases and these curves undercount (C heap, live does not).' }));
				var sbox = el('div', { class: 'gm-plot', 'data-plot': 'stacks', id: 'gm-p' + pi + '-stacks' });
				sec.appendChild(sbox);
				timeChart(sbox, { name: 'stacks', title: 'live bytes by suspect', t: t, kinds: tl.kind, height: 280, yTitle: 'live C memory (bytes)',
					series: tl.stacks.map(function (s, k) {
						var su = sus[s.suspect];
						return { key: 'stack' + s.suspect, label: (su ? suspectLabel(su, s.suspect) : '#' + (s.suspect + 1)) + (s.bytes ? '' : ' (not followed over time)'),
							color: PALETTE[k % PALETTE.length], values: s.bytes || [] };
					}) });
			} else {
				sec.appendChild(el('p', { class: 'gm-note', text: 'No leak suspect to follow.' }));
			}
		}

		/* the flame graph */
		sec.appendChild(el('h3', { text: 'Live C memory by stack (flame graph)' }));
		if (stacks && stacks.stacks && stacks.stacks.length) {
			sec.appendChild(el('p', { class: 'gm-note', text: 'Every stack holding live C memory (malloc blocks and direct C mappings) at the end: ' +
				fmtBytes(stacks.total) + ' in ' + fmtCount(stacks.stacks.length) + ' stacks. Outermost caller on top; width: live bytes. ' +
				'Blue: Go frames, orange: C frames.' }));
			var fbox = el('div', { class: 'gm-plot', 'data-plot': 'flame', id: 'gm-p' + pi + '-flame' });
			sec.appendChild(fbox);
			flameGraph(fbox, stacks, 'pid ' + p.pid + ' ' + name);
		} else {
			sec.appendChild(el('p', { class: 'gm-note', text: 'No live C memory at the end.' }));
		}

		/* the tables */
		sec.appendChild(el('h3', { text: 'Top leak suspects (' + (p.leak_suspects_count || 0) + ' stack' + (p.leak_suspects_count === 1 ? '' : 's') + ', ' +
			fmtBytes(p.leak_suspects_bytes) + ')' }));
		if ((p.leak_suspects || []).length) sec.appendChild(suspectsTable(p));
		else sec.appendChild(el('p', { class: 'gm-note', text: 'None.' }));
		var fin = p.finalizers;
		if (fin && fin.freed_blocks) { /* C memory Go finalizers and cleanups free: not leaks */
			sec.appendChild(el('h3', { text: 'C memory freed by Go finalizers and cleanups (waiting for the GC, not leaks)' }));
			sec.appendChild(el('p', { class: 'gm-note', text: 'Freed by the finalizer goroutine: ' + fmtBytes(fin.freed_bytes.finalizer) +
				'; by cleanup goroutines: ' + fmtBytes(fin.freed_bytes.cleanup) + ' (' + fmtCount(fin.freed_blocks) + ' blocks). ' +
				'At most ' + fmtBytes(fin.backlog_peak_bytes) + ' waited at once; ' + fmtBytes(fin.waiting_bytes) + ' in ' +
				fmtCount(fin.waiting_count) + ' stack' + (fin.waiting_count === 1 ? '' : 's') + ' still waiting at the end.' }));
			if ((fin.waiting || []).length) sec.appendChild(suspectsTable(p, fin.waiting, 'waiting'));
		}
		releasesSection(sec, p, tl);
		return sec;
	}

	/* ---- the page ---- */
	function render() {
		var doc = JSON.parse(document.getElementById('gm-data').textContent);
		var stx = document.getElementById('gm-stacks'), stacks = stx ? JSON.parse(stx.textContent) : { processes: [] };
		var main = document.getElementById('gm-report');
		main.textContent = '';
		var procs = doc.processes || [];
		document.title = 'gomemtrace: ' + (procs.length === 1 ? (procs[0].procname || 'pid ' + procs[0].pid) + ' (pid ' + procs[0].pid + ')' : doc.trace);
		main.appendChild(el('h1', { text: 'gomemtrace report' }));
		var head = [doc.trace, 'trace ' + fmtSecs(doc.duration_s), procs.length + ' process' + (procs.length === 1 ? '' : 'es')];
		if (doc.window && (doc.window.from_s > 0 || doc.window.to_s !== null))
			head.push('window ' + fmtSecs(doc.window.from_s) + ' \u2013 ' + (doc.window.to_s !== null ? fmtSecs(doc.window.to_s) : 'end'));
		main.appendChild(el('p', { class: 'gm-sub gm-mono', text: head.join(' \u00b7 ') }));
		var warn = [];
		if (doc.lost_events || doc.lost_packets)
			warn.push('The tracer lost ' + doc.lost_events + ' events and ' + doc.lost_packets + ' packets: figures marked ~ are approximate.');
		if (doc.truncated) warn.push('The trace could not be read to its end (truncated or corrupt): the figures cover what was read.');
		(doc.warnings || []).forEach(function (w) { warn.push(w); });
		if (doc.left_out && doc.left_out.length)
			warn.push('Left out (not the recorded program or its children; see --pid): ' + doc.left_out.map(function (l) { return l.pid + ' (' + (l.exe || '?').replace(/^.*\//, '') + ')'; }).join(', '));
		if (warn.length)
			main.appendChild(el('div', { class: 'gm-warnings', role: 'note' }, [el('strong', { text: 'Warnings' }),
				el('ul', {}, warn.map(function (w) { return el('li', { text: w }); }))]));
		if (!procs.length) main.appendChild(el('p', { class: 'gm-note', text: 'No process with gomemtrace events was reported.' }));
		procs.forEach(function (p, i) {
			var s = (stacks.processes || [])[i];
			if (s && (s.pid !== p.pid || s.generation !== p.generation)) s = null;
			main.appendChild(procSection(p, i, s));
		});
		main.appendChild(el('p', { class: 'gm-note', text: 'Made by gomemtrace report --format html (schema ' + doc.schema +
			'; the data of this page is its JSON report, in the page\u2019s #gm-data block). Bytes in KiB/MiB/GiB (1024-based), times in seconds since the trace started.' }));
		document.body.setAttribute('data-gm-ready', 'true');
	}

	(window.gmPendingErrors || []).forEach(function (m) { window.gmError(m); });
	try {
		render();
	} catch (e) {
		window.gmError((e && e.stack) ? String(e.stack).split('\n').slice(0, 3).join(' | ') : String(e));
	}
})();
