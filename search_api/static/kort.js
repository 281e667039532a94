// The results map: one numbered marker per result with a point, and the search centre
// (the geocoded point only: the typed address is never given to the map).
// Works without tiles (FKORT_TILE_URL unset): a plain background, the markers still show.
(function () {
  "use strict";
  var box = document.getElementById("kort");
  var dataTag = document.getElementById("kort-data");
  if (!box || !dataTag) return;
  if (typeof window.L === "undefined") {
    box.querySelector(".map-fallback").textContent =
      "Kortet kunne ikke indlæses. Listen har alle resultaterne.";
    return;
  }
  var data = JSON.parse(dataTag.textContent);
  box.textContent = "";
  var map = L.map(box, { zoomControl: false, keyboard: true });
  L.control.zoom({ zoomInTitle: "Zoom ind", zoomOutTitle: "Zoom ud" }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  var tiles = box.getAttribute("data-tile-url");
  if (tiles) {
    L.tileLayer(tiles, { attribution: box.getAttribute("data-attribution"), maxZoom: 19 })
      .addTo(map);
  }
  // The view first: Leaflet draws layers only on a map that has one.
  var bounds = data.markers.map(function (m) { return [m.lat, m.lon]; });
  if (data.centre) { bounds.push([data.centre.lat, data.centre.lon]); }
  if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  } else {
    map.setView([56.0, 10.5], 6); // Denmark
  }
  data.markers.forEach(function (m) {
    var label = "Nr. " + m.n + ": " + m.title;
    var icon = L.divIcon({
      className: "nummer-markor",
      html: '<span aria-hidden="true">' + m.n + "</span>",
      iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14]
    });
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = m.title;
    var link = document.createElement("a");
    link.href = "#" + m.anchor;
    link.textContent = "Se nr. " + m.n + " i listen";
    link.addEventListener("click", function () {
      var target = document.getElementById(m.anchor);
      if (target) { setTimeout(function () { target.focus(); }, 0); }
    });
    popup.appendChild(title);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(link);
    var marker = L.marker([m.lat, m.lon], { icon: icon, title: label, keyboard: true })
      .bindPopup(popup).addTo(map);
    var el = marker.getElement();
    if (el) { el.setAttribute("aria-label", label); el.setAttribute("data-nr", m.n); }
  });
  if (data.centre) {
    var c = [data.centre.lat, data.centre.lon];
    if (data.centre.radius_km) {
      L.circle(c, { radius: data.centre.radius_km * 1000, interactive: false, weight: 1,
                    fill: false, className: "soegeradius" }).addTo(map);
    }
    L.circleMarker(c, { radius: 7, interactive: false, className: "soegepunkt" }).addTo(map);
  }
  map.on("popupopen", function (e) {
    var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", "Luk"); close.title = "Luk"; }
  });
  box.setAttribute("data-ready", "true");
})();
