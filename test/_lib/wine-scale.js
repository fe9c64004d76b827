'use strict';
// Test sizes under Wine. scripts/test-wine.sh sets AYAFILEIO_WINE=1; there every file op
// costs about a millisecond (a round trip to wineserver), so the heaviest tests run with
// fewer iterations to keep the whole Windows suite inside CI's time. What a test asserts
// stays the same; only how many times it tries.

/**
 * The iteration count (or size) a test uses: `full` normally, `underWine` under Wine.
 * @param {number} full  the size on a native run
 * @param {number} underWine  the smaller size under Wine
 * @returns {number}
 */
function scaledForWine(full, underWine) {
  return process.env.AYAFILEIO_WINE === '1' ? underWine : full;
}

module.exports = { scaledForWine };
