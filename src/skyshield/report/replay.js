// skyshield after-action report: replay of recorded replications on a canvas.
// Plain JavaScript, no libraries, no network. Names from the scenario are drawn with
// fillText or set with textContent only, never parsed as markup.
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("report-data").textContent);
  var L = D.layout, NAMES = D.names;
  var K = {};
  NAMES.kinds.forEach(function (k, i) { K[k] = i; });
  var canvas = document.getElementById("replay-canvas");
  var ctx = canvas.getContext("2d");
  var slider = document.getElementById("replay-time");
  var button = document.getElementById("replay-play");
  var clock = document.getElementById("replay-clock");
  var repSelect = document.getElementById("replay-rep");
  var speedSelect = document.getElementById("replay-speed");
  var logList = document.getElementById("replay-log");
  var tip = document.getElementById("replay-tip");

  // ------------------------------------------------------------------ waves
  // one colour per wave (drone ids map to waves through D.drone_wave), listed in the legend
  // (no red or green: those mark leakers and kills)
  var WAVE_PALETTE = ["#4363d8", "#f58231", "#911eb4", "#42d4f4", "#9a6324", "#808000",
                      "#469990", "#000075", "#a9a9a9", "#bfef45", "#dcbeff", "#f032e6"];
  var DRONE_WAVE = D.drone_wave || [];
  function waveColour(id) {
    var w = id < DRONE_WAVE.length ? DRONE_WAVE[id] : -1;
    return w >= 0 ? WAVE_PALETTE[w % WAVE_PALETTE.length] : "#444";
  }
  (function waveLegend() {
    var list = document.getElementById("wave-legend");
    if (!list) { return; }
    NAMES.waves.forEach(function (name, w) {
      var li = document.createElement("li"), sw = document.createElement("i");
      sw.style.background = WAVE_PALETTE[w % WAVE_PALETTE.length];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(name));
      list.appendChild(li);
    });
  })();

  // ------------------------------------------------------------------ heights
  // z: height above the ground as the kernel recorded it; g: the ground's elevation above sea
  // level there (only under terrain: on flat Earth the ground is the sea level)
  var HEIGHTS = D.heights || {};
  function height(r, j, n, al) {  // [z, g] of position j, interpolated towards n
    if (!HEIGHTS.above_ground || !r.pos.z) { return [null, null]; }
    var z = r.pos.z[j], g = HEIGHTS.above_sea_level && r.pos.g ? r.pos.g[j] : null;
    if (n !== undefined) {
      z += al * (r.pos.z[n] - z);
      if (g !== null) { g += al * (r.pos.g[n] - g); }
    }
    return [z, g];
  }
  function heightLines(z, g) {  // the tooltip's words for a height
    if (z === null || z === undefined) { return ["height not recorded"]; }
    var out = [Math.round(z) + " m above ground"];
    if (g !== null && g !== undefined) { out.push(Math.round(g + z) + " m above sea level"); }
    return out;
  }
  function heightLabel(z, g) {  // the short form beside the aircraft
    if (z === null || z === undefined) { return ""; }
    return " · " + Math.round(z) + " m AGL" +
      (g !== null && g !== undefined ? " · " + Math.round(g + z) + " m ASL" : "");
  }

  // ------------------------------------------------------------------ world -> canvas
  // the view: the scenario area grown to hold the launch areas (raids start off the map)
  var A = { west_m: L.area.west_m, east_m: L.area.east_m, south_m: L.area.south_m, north_m: L.area.north_m };
  (L.raids || []).concat(L.leak ? [L.leak] : []).forEach(function (r) {
    var c = r.launch_area.center, rad = r.launch_area.radius_m;
    A.west_m = Math.min(A.west_m, c[0] - rad); A.east_m = Math.max(A.east_m, c[0] + rad);
    A.south_m = Math.min(A.south_m, c[1] - rad); A.north_m = Math.max(A.north_m, c[1] + rad);
  });
  var PAD = 24, W = canvas.width;
  var spanX = A.east_m - A.west_m, spanY = A.north_m - A.south_m;
  var scale = (W - 2 * PAD) / spanX;
  var H = Math.round(Math.min(900, Math.max(300, spanY * scale + 2 * PAD)));
  scale = Math.min(scale, (H - 2 * PAD) / spanY);
  canvas.height = H;
  function sx(x) { return PAD + (x - A.west_m) * scale; }
  function sy(y) { return H - PAD - (y - A.south_m) * scale; }
  function circle(c, x, y, r) { c.beginPath(); c.arc(sx(x), sy(y), Math.max(r * scale, 1), 0, 2 * Math.PI); }

  var EFF_COLOURS = ["rgba(211,47,47,", "rgba(245,124,0,", "rgba(56,142,60,", "rgba(121,85,72,"];
  var SENSOR_COLOURS = ["#1e88e5", "#00acc1", "#8e24aa"];

  // ------------------------------------------------------------------ static layer
  var base = document.createElement("canvas");
  base.width = W; base.height = H;
  (function drawBase() {
    var c = base.getContext("2d");
    c.fillStyle = "#eef1f4"; c.fillRect(0, 0, W, H);
    var S = L.area;
    c.fillStyle = "#fff"; c.strokeStyle = "#c9d0d8";
    c.fillRect(sx(S.west_m), sy(S.north_m), (S.east_m - S.west_m) * scale, (S.north_m - S.south_m) * scale);
    c.strokeRect(sx(S.west_m), sy(S.north_m), (S.east_m - S.west_m) * scale, (S.north_m - S.south_m) * scale);
    (L.weapons_free_zones || []).forEach(function (z) {
      circle(c, z.center[0], z.center[1], z.radius_m);
      c.fillStyle = "rgba(255,193,7,0.15)"; c.fill();
      c.strokeStyle = "rgba(200,150,0,0.6)"; c.stroke();
    });
    c.setLineDash([4, 4]);
    (L.raids || []).forEach(function (r) {
      var la = r.launch_area;
      circle(c, la.center[0], la.center[1], la.radius_m);
      c.strokeStyle = "rgba(0,0,0,0.35)"; c.stroke();
      c.fillStyle = "#555"; c.font = "11px sans-serif"; c.textAlign = "center";
      c.fillText(String(r.name), sx(la.center[0]), sy(la.center[1]));
    });
    if (L.leak) {
      var la = L.leak.launch_area;
      c.setLineDash([2, 3]);
      circle(c, la.center[0], la.center[1], la.radius_m);
      c.strokeStyle = "crimson"; c.stroke();
    }
    c.setLineDash([]);
    (L.effectors || []).forEach(function (e) {
      if (!e.position) { return; }
      var col = EFF_COLOURS[e.kind] || EFF_COLOURS[0];
      circle(c, e.position[0], e.position[1], e.range_m);
      c.fillStyle = col + "0.07)"; c.fill();
      c.strokeStyle = col + "0.5)"; c.stroke();
      c.fillStyle = col + "1)";
      c.fillRect(sx(e.position[0]) - 3, sy(e.position[1]) - 3, 6, 6);
    });
    (L.sensors || []).forEach(function (s) {
      if (!s.position) { return; }
      var col = SENSOR_COLOURS[s.kind] || SENSOR_COLOURS[0];
      circle(c, s.position[0], s.position[1], s.range_m);
      c.strokeStyle = col; c.globalAlpha = 0.5; c.stroke(); c.globalAlpha = 1;
      c.beginPath();
      var px = sx(s.position[0]), py = sy(s.position[1]);
      c.moveTo(px, py - 5); c.lineTo(px + 4, py + 3); c.lineTo(px - 4, py + 3); c.closePath();
      c.fillStyle = col; c.fill();
    });
    (L.moving || []).forEach(function (m) {
      c.beginPath();
      m.waypoints.forEach(function (p, i) { if (i) { c.lineTo(sx(p[0]), sy(p[1])); } else { c.moveTo(sx(p[0]), sy(p[1])); } });
      c.strokeStyle = "rgba(194,24,91,0.55)"; c.lineWidth = 2.5; c.stroke(); c.lineWidth = 1;
    });
    c.font = "12px sans-serif"; c.textAlign = "left";
    (L.fixed || []).forEach(function (f) {
      circle(c, f.position[0], f.position[1], Math.max(f.radius_m, 2 / scale));
      c.fillStyle = "#1a3d7c"; c.fill();
      c.beginPath(); c.arc(sx(f.position[0]), sy(f.position[1]), 4, 0, 2 * Math.PI); c.fill();
      c.fillText(String(f.name), sx(f.position[0]) + 6, sy(f.position[1]) - 6);
    });
    // scale bar: the largest of 1, 2, 5, 10... km under a fifth of the width
    var km = 1; while ((km * 10) * 1000 * scale < W / 5) { km *= 10; }
    if (km * 5 * 1000 * scale < W / 5) { km *= 5; } else if (km * 2 * 1000 * scale < W / 5) { km *= 2; }
    var x0 = PAD + 6, y0 = H - 8;
    c.strokeStyle = "#333"; c.beginPath(); c.moveTo(x0, y0); c.lineTo(x0 + km * 1000 * scale, y0); c.stroke();
    c.fillStyle = "#333"; c.font = "11px sans-serif"; c.fillText(km + " km", x0 + km * 1000 * scale + 4, y0 + 3);
  })();

  // ------------------------------------------------------------------ flight plan fallback
  function planPosition(m, t) {
    var wp = m.waypoints, tt = t - m.departure_s;
    if (tt <= 0) { return wp[0]; }
    var d = tt * m.speed_mps;
    for (var i = 1; i < wp.length; i++) {
      var dx = wp[i][0] - wp[i - 1][0], dy = wp[i][1] - wp[i - 1][1];
      var seg = Math.sqrt(dx * dx + dy * dy);
      if (d <= seg) { var f = seg > 0 ? d / seg : 0; return [wp[i - 1][0] + f * dx, wp[i - 1][1] + f * dy]; }
      d -= seg;
    }
    return wp[wp.length - 1];
  }

  // ------------------------------------------------------------------ replay state
  var R = null;            // current replay (with derived indices)
  var T = 0, playing = false, lastWall = null;
  var nMoving = (L.moving || []).length;
  var markers = { heli: [], drones: [] };
  var endT = L.duration_s || 0;

  function prepare(r) {
    var f = r.pos.f, nf = r.t.length, start = new Int32Array(nf + 1), k = 0;
    for (var j = 0; j < f.length; j++) { while (k <= f[j]) { start[k++] = j; } }
    while (k <= nf) { start[k++] = f.length; }
    r.start = start;
    r.nextMap = new Array(nf);
    r.persist = [];
    for (var e = 0; e < r.ev.t.length; e++) {
      var kind = r.ev.k[e];
      if (kind === K.leak || kind === K.hit || kind === K.asset_lost) { r.persist.push(e); }
    }
    return r;
  }
  function frameMap(r, k) {
    if (!r.nextMap[k]) {
      var m = new Map();
      for (var j = r.start[k]; j < r.start[k + 1]; j++) { m.set(r.pos.e[j] * 16777216 + r.pos.i[j], j); }
      r.nextMap[k] = m;
    }
    return r.nextMap[k];
  }
  function upper(arr, v) {  // first index with arr[i] > v
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] <= v) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  function fmt(t) {
    var s = Math.max(0, Math.floor(t)), m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  // ------------------------------------------------------------------ drawing
  function heliPositions() {
    var out = [];
    for (var a = 0; a < nMoving; a++) { out.push(planPosition(L.moving[a], T)); }
    if (!R || !R.t.length) { return out; }
    var k = Math.max(0, upper(R.t, T) - 1);
    var next = k + 1 < R.t.length ? frameMap(R, k + 1) : null;
    var al = next ? Math.min(1, Math.max(0, (T - R.t[k]) / (R.t[k + 1] - R.t[k]))) : 0;
    for (var j = R.start[k]; j < R.start[k + 1]; j++) {
      if (R.pos.e[j] !== 1 || R.pos.i[j] >= nMoving) { continue; }
      var x = R.pos.x[j], y = R.pos.y[j];
      var n = next ? next.get(16777216 + R.pos.i[j]) : undefined;
      if (n !== undefined) { x += al * (R.pos.x[n] - x); y += al * (R.pos.y[n] - y); }
      var h = height(R, j, n, al);
      out[R.pos.i[j]] = [x, y, R.pos.s[j], h[0], h[1]];
    }
    return out;
  }

  function draw() {
    ctx.drawImage(base, 0, 0);
    markers = { heli: [], drones: [] };
    var helis = heliPositions();
    // escort-mounted coverage moves with the helicopter
    (L.effectors || []).forEach(function (e) {
      if (e.position || !helis.length) { return; }
      var col = EFF_COLOURS[e.kind] || EFF_COLOURS[0];
      circle(ctx, helis[0][0], helis[0][1], e.range_m);
      ctx.fillStyle = col + "0.10)"; ctx.fill();
    });
    if (R && R.t.length) {
      var k = Math.max(0, upper(R.t, T) - 1);
      var inRange = T >= R.t[0] - 1e-9;
      var next = k + 1 < R.t.length ? frameMap(R, k + 1) : null;
      var al = next ? Math.min(1, Math.max(0, (T - R.t[k]) / (R.t[k + 1] - R.t[k]))) : 0;
      for (var j = R.start[k]; inRange && j < R.start[k + 1]; j++) {
        if (R.pos.e[j] !== 0 || R.pos.s[j] === 2) { continue; }
        var x = R.pos.x[j], y = R.pos.y[j];
        var n = next ? next.get(R.pos.i[j]) : undefined;
        if (n !== undefined) { x += al * (R.pos.x[n] - x); y += al * (R.pos.y[n] - y); }
        var px = sx(x), py = sy(y), hd = height(R, j, n, al);
        ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI);
        ctx.fillStyle = waveColour(R.pos.i[j]); ctx.fill();
        if (R.pos.s[j] === 1) {  // tracked: a dark ring
          ctx.beginPath(); ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
          ctx.strokeStyle = "#111"; ctx.lineWidth = 1.2; ctx.stroke(); ctx.lineWidth = 1;
        }
        markers.drones.push([px, py, R.pos.i[j], waveColour(R.pos.i[j]), hd[0], hd[1]]);
      }
      // information: tracks: the confirmed tracks' estimates (hollow squares; orange: a false
      // alarm's track), drawn over the true positions
      for (var jt = R.start[k]; inRange && jt < R.start[k + 1]; jt++) {
        if (R.pos.e[jt] !== 2) { continue; }
        var tx_ = R.pos.x[jt], ty_ = R.pos.y[jt];
        var nt = next ? next.get(2 * 16777216 + R.pos.i[jt]) : undefined;
        if (nt !== undefined) { tx_ += al * (R.pos.x[nt] - tx_); ty_ += al * (R.pos.y[nt] - ty_); }
        ctx.strokeStyle = R.pos.s[jt] === 3 ? "#ef6c00" : "#1565c0"; ctx.lineWidth = 1.2;
        ctx.strokeRect(sx(tx_) - 4, sy(ty_) - 4, 8, 8); ctx.lineWidth = 1;
      }
      var ev = R.ev, upto = upper(ev.t, T);
      // transient effects: shots (3 s), kills and jamming (15 s), friendly fire (20 s)
      for (var e = upto - 1; e >= 0 && ev.t[e] > T - 20; e--) {
        var age = T - ev.t[e], kind = ev.k[e], ex = sx(ev.x[e]), ey = sy(ev.y[e]);
        if (kind === K.shot && age <= 3) {
          var src = null, eff = L.effectors[ev.ef[e]];
          if (eff && eff.position) { src = eff.position; } else if (helis.length) { src = helis[0]; }
          if (src) {
            ctx.strokeStyle = "rgba(30,136,229," + (1 - age / 3.5).toFixed(3) + ")"; ctx.lineWidth = 1.5;
            ctx.beginPath(); ctx.moveTo(sx(src[0]), sy(src[1])); ctx.lineTo(ex, ey); ctx.stroke(); ctx.lineWidth = 1;
          }
        } else if (kind === K.kill && age <= 15) {
          ctx.strokeStyle = "rgba(46,125,50," + (1 - age / 16).toFixed(3) + ")"; ctx.lineWidth = 2;
          ctx.beginPath(); ctx.moveTo(ex - 5, ey - 5); ctx.lineTo(ex + 5, ey + 5); ctx.moveTo(ex + 5, ey - 5); ctx.lineTo(ex - 5, ey + 5); ctx.stroke(); ctx.lineWidth = 1;
        } else if ((kind === K.false_kill || kind === K.missed_kill) && age <= 15) {
          // information: tracks: a kill judged where there was none (orange), or missed (grey)
          ctx.strokeStyle = (kind === K.false_kill ? "rgba(239,108,0," : "rgba(97,97,97,") + (1 - age / 16).toFixed(3) + ")";
          ctx.lineWidth = 2; ctx.setLineDash([3, 2]);
          ctx.beginPath(); ctx.moveTo(ex - 6, ey - 6); ctx.lineTo(ex + 6, ey + 6); ctx.moveTo(ex + 6, ey - 6); ctx.lineTo(ex - 6, ey + 6); ctx.stroke();
          ctx.setLineDash([]); ctx.lineWidth = 1;
        } else if (kind === K.jammed && age <= 15) {
          ctx.strokeStyle = "rgba(142,36,170," + (1 - age / 16).toFixed(3) + ")";
          ctx.beginPath(); ctx.arc(ex, ey, 7, 0, 2 * Math.PI); ctx.stroke();
        } else if (kind === K.friendly_fire) {
          ctx.strokeStyle = "rgba(255,171,0," + (1 - age / 21).toFixed(3) + ")"; ctx.lineWidth = 3;
          ctx.beginPath(); ctx.arc(ex, ey, 12, 0, 2 * Math.PI); ctx.stroke(); ctx.lineWidth = 1;
        }
      }
      // leakers, impacts and lost assets stay on the map
      for (var q = 0; q < R.persist.length && ev.t[R.persist[q]] <= T; q++) {
        var i = R.persist[q], kk = ev.k[i], qx = sx(ev.x[i]), qy = sy(ev.y[i]);
        ctx.strokeStyle = "#d50000"; ctx.fillStyle = "rgba(213,0,0,0.55)";
        ctx.beginPath();
        if (kk === K.asset_lost) { ctx.lineWidth = 3; ctx.arc(qx, qy, 14, 0, 2 * Math.PI); ctx.stroke(); ctx.lineWidth = 1; }
        else if (kk === K.hit) { ctx.arc(qx, qy, 5, 0, 2 * Math.PI); ctx.fill(); }
        else { ctx.arc(qx, qy, 3.5, 0, 2 * Math.PI); ctx.stroke(); }
      }
      updateCounters(upto);
    }
    helis.forEach(function (h, a) {
      var px = sx(h[0]), py = sy(h[1]);
      ctx.beginPath(); ctx.moveTo(px, py - 8); ctx.lineTo(px + 6, py + 6); ctx.lineTo(px - 6, py + 6); ctx.closePath();
      var lost = h[2] === 2, col = lost ? "#616161" : "#c2185b";
      ctx.fillStyle = col; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.stroke();
      ctx.fillStyle = col; ctx.font = "bold 12px sans-serif"; ctx.textAlign = "left";
      ctx.fillText(String(L.moving[a].name) + (lost ? " (lost)" : "") + heightLabel(h[3], h[4]),
                   px + 9, py + 4);
      markers.heli.push([px, py, h[3] === undefined ? null : h[3], h[4] === undefined ? null : h[4]]);
    });
    slider.value = String(Math.round(T));
    clock.textContent = "t = " + fmt(T) + " / " + fmt(endT);
    canvas.setAttribute("data-t", T.toFixed(1));
    showTip();
  }

  // ------------------------------------------------------------------ tooltip
  // the aircraft or drone under the pointer (within 8 px): its name and heights
  var hover = null;
  function showTip() {
    if (!tip) { return; }
    var best = null, bd = 64;
    function near(m) { var dx = m[0] - hover[0], dy = m[1] - hover[1]; return dx * dx + dy * dy; }
    if (hover) {
      markers.drones.forEach(function (m) {
        var d = near(m);
        if (d <= bd) {
          var w = m[2] < DRONE_WAVE.length ? DRONE_WAVE[m[2]] : -1;
          bd = d; best = [m[0], m[1], ["drone " + m[2] + (w >= 0 ? " · " + NAMES.waves[w] : "")].concat(heightLines(m[4], m[5]))];
        }
      });
      markers.heli.forEach(function (m, a) {
        var d = near(m);
        if (d <= bd) { bd = d; best = [m[0], m[1], [String(L.moving[a].name)].concat(heightLines(m[2], m[3]))]; }
      });
    }
    if (!best) { tip.hidden = true; return; }
    var box = canvas.getBoundingClientRect(), k = box.width / canvas.width;
    tip.textContent = best[2].join("\n");
    tip.style.left = Math.round(canvas.offsetLeft + best[0] * k + 12) + "px";
    tip.style.top = Math.round(canvas.offsetTop + best[1] * k + 12) + "px";
    tip.hidden = false;
  }
  canvas.addEventListener("mousemove", function (e) {
    var box = canvas.getBoundingClientRect();
    hover = [(e.clientX - box.left) * canvas.width / box.width, (e.clientY - box.top) * canvas.height / box.height];
    showTip();
  });
  canvas.addEventListener("mouseleave", function () { hover = null; showTip(); });

  // ------------------------------------------------------------------ counters and log
  // counts of events up to the shown time, kept incrementally while time moves forward
  var shown = -1, counts = {}, tracked = new Set();
  var ON_ASSET = [K.hit, K.asset_lost, K.friendly_fire, K.leak];
  function updateCounters(upto) {
    if (upto === shown) { return; }
    var ev = R.ev, from = 0;
    if (upto > shown && shown >= 0) { from = shown; } else { counts = {}; tracked = new Set(); }
    for (var e = from; e < upto; e++) {
      counts[ev.k[e]] = (counts[ev.k[e]] || 0) + 1;
      if (ev.k[e] === K.track) { tracked.add(ev.d[e]); }
    }
    shown = upto;
    ["launch", "shot", "kill", "leak", "asset_lost"].forEach(function (name) {
      var el = document.getElementById("c-" + name);
      if (el) { el.textContent = String(counts[K[name]] || 0); }
    });
    document.getElementById("c-track").textContent = String(tracked.size);
    while (logList.firstChild) { logList.removeChild(logList.firstChild); }
    // the newest 40 events, without the frequent track updates
    for (var i = upto - 1, n = 0; i >= 0 && n < 40; i--) {
      if (ev.k[i] === K.track || ev.k[i] === K.track_lost) { continue; }
      var parts = [fmt(ev.t[i]), NAMES.kinds[ev.k[i]] || "?"];
      if (ev.d[i] >= 0) { parts.push("drone " + ev.d[i]); }
      if (ev.w[i] >= 0) { parts.push(NAMES.waves[ev.w[i]]); }
      if (ev.ef[i] >= 0) { parts.push("by " + NAMES.effectors[ev.ef[i]]); }
      if (ev.a[i] >= 0) { parts.push((ON_ASSET.indexOf(ev.k[i]) >= 0 ? "on " : "→ ") + NAMES.assets[ev.a[i]]); }
      var li = document.createElement("li");
      li.textContent = parts.join(" · ");
      logList.appendChild(li);
      n++;
    }
  }

  // ------------------------------------------------------------------ controls
  function select(index) {
    R = D.replays.length ? prepare(D.replays[index]) : null;
    shown = -1; counts = {};
    var last = R && R.t.length ? R.t[R.t.length - 1] : 0;
    if (R && R.ev.t.length) { last = Math.max(last, R.ev.t[R.ev.t.length - 1]); }
    endT = Math.max(L.duration_s || 0, last);
    slider.max = String(Math.ceil(endT));
    T = Math.min(T, endT);
    draw();
  }
  function tick(now) {
    if (!playing) { return; }
    if (lastWall !== null) {
      T = Math.min(endT, T + (now - lastWall) / 1000 * Number(speedSelect.value));
    }
    lastWall = now;
    draw();
    if (T >= endT) { pause(); return; }
    window.requestAnimationFrame(tick);
  }
  function play() {
    if (playing) { return; }
    if (T >= endT) { T = 0; }
    playing = true; lastWall = null; button.textContent = "❚❚ pause";
    window.requestAnimationFrame(tick);
  }
  function pause() { playing = false; button.textContent = "▶ play"; }

  D.replays.forEach(function (r, i) {
    var o = document.createElement("option");
    o.value = String(i); o.textContent = "replication " + r.rep;
    repSelect.appendChild(o);
  });
  repSelect.addEventListener("change", function () { select(Number(repSelect.value)); });
  button.addEventListener("click", function () { if (playing) { pause(); } else { play(); } });
  slider.addEventListener("input", function () { T = Number(slider.value); draw(); });
  if (!D.replays.length) { button.disabled = true; }
  select(0);

  // a small read-only handle for tests and for scripting the page from the console
  window.skyshieldReplay = {
    time: function () { return T; },
    playing: function () { return playing; },
    markers: function () { return JSON.parse(JSON.stringify(markers)); },
    seek: function (t) { T = Math.max(0, Math.min(endT, Number(t))); draw(); },
    play: play,
    pause: pause
  };
})();
