package org.echorec.model.data;

/**
 * Sorts row indices by a double key keeping equal keys in their current order. Stability is the
 * point: interaction logs are full of equal timestamps (Amazon reviews have day resolution), and the
 * order of equal-time items must be the file's, as in RecBole, or the last item (the test target)
 * would change. The JDK sorts primitive arrays unstably and boxed ones slowly, hence this merge sort.
 */
final class StableSort {
    private static final int INSERTION_LIMIT = 24;

    private StableSort() {}

    /** Sorts {@code rows[from, to)} by {@code key[row]}, ascending; equal keys keep their order. */
    static void byKey(int[] rows, int from, int to, double[] key) {
        if (isSorted(rows, from, to, key)) {
            return; // the usual case for logs written in time order
        }
        int[] scratch = new int[to - from];
        mergeSort(rows, from, to, key, scratch);
    }

    private static boolean isSorted(int[] rows, int from, int to, double[] key) {
        for (int i = from + 1; i < to; i++) {
            if (key[rows[i]] < key[rows[i - 1]]) {
                return false;
            }
        }
        return true;
    }

    private static void mergeSort(int[] rows, int from, int to, double[] key, int[] scratch) {
        if (to - from <= INSERTION_LIMIT) {
            insertionSort(rows, from, to, key);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(rows, from, mid, key, scratch);
        mergeSort(rows, mid, to, key, scratch);
        if (key[rows[mid - 1]] <= key[rows[mid]]) {
            return;
        }
        int n = mid - from;
        System.arraycopy(rows, from, scratch, 0, n);
        int left = 0;
        int right = mid;
        int out = from;
        while (left < n && right < to) {
            // Strictly less takes from the right: ties go left first, which is what keeps it stable.
            if (key[rows[right]] < key[scratch[left]]) {
                rows[out++] = rows[right++];
            } else {
                rows[out++] = scratch[left++];
            }
        }
        while (left < n) {
            rows[out++] = scratch[left++];
        }
    }

    private static void insertionSort(int[] rows, int from, int to, double[] key) {
        for (int i = from + 1; i < to; i++) {
            int row = rows[i];
            double k = key[row];
            int j = i - 1;
            while (j >= from && key[rows[j]] > k) {
                rows[j + 1] = rows[j];
                j--;
            }
            rows[j + 1] = row;
        }
    }
}
