// Lethe console: enhancements only. Every page works without this script.
(function () {
  'use strict';

  // A button stays disabled until a field holds exactly the expected value (typed confirmations).
  document.querySelectorAll('[data-must-equal][data-enables]').forEach(function (input) {
    var button = document.getElementById(input.getAttribute('data-enables'));
    if (!button) { return; }
    var check = function () { button.disabled = input.value.trim() !== input.getAttribute('data-must-equal'); };
    input.addEventListener('input', check);
    check();
  });

  // The Item ID field only matters for item scopes.
  var scope = document.querySelector('[data-item-scope]');
  var item = document.querySelector('[data-item-field]');
  if (scope && item) {
    var toggle = function () { item.hidden = scope.value === 'PROFILE'; };
    scope.addEventListener('change', toggle);
    toggle();
  }

  // Live regions ([data-live] with an id): refetch this page and swap each region until none says it changes.
  var refresh = function () {
    var regions = document.querySelectorAll('[data-live][id]');
    if (!regions.length) { return; }
    var every = parseInt(regions[0].getAttribute('data-live'), 10) || 3000;
    setTimeout(function () {
      fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { if (!r.ok || r.redirected) { throw new Error('stop'); } return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          document.querySelectorAll('[data-live][id]').forEach(function (now) {
            var next = doc.getElementById(now.id);
            if (next && !now.contains(document.activeElement)) { now.replaceWith(next); }
          });
          refresh();
        })
        .catch(function () { /* signed out or offline: stop refreshing; a reload shows the state */ });
    }, every);
  };
  refresh();
})();
