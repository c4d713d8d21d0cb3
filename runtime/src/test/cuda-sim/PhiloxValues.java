/** Prints dropout, uniform and normal values of the CPU Philox for kernels_test (bits as ints). */
public class PhiloxValues {
    public static void main(String[] a) {
        long seed = 0x123456789abcdefL;
        long offset = 4_294_967_294L; // crosses the 32-bit counter boundary of the block index? (offset>>2 ~ 2^30)
        long offset2 = (1L << 34) + 3;   // block index above 2^32
        int n = 37;
        float p = 0.3f;
        StringBuilder sb = new StringBuilder();
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (i - 11) * 0.37f;
        float scale = 1f / (1f - p);
        for (long off : new long[] {offset, offset2, 5}) {
            Philox.Uniforms un = new Philox.Uniforms(seed);
            sb.append("D");
            for (int i = 0; i < n; i++) { boolean keep = un.at(off + i) >= p; sb.append(' ').append(Float.floatToRawIntBits(keep ? x[i] * scale : 0f)); }
            sb.append('\n');
            Philox.Uniforms u2 = new Philox.Uniforms(seed);
            float lo = -0.7f, hi = 1.3f, w = hi - lo;
            sb.append("U");
            for (int i = 0; i < n; i++) sb.append(' ').append(Float.floatToRawIntBits(lo + w * u2.at(off + i)));
            sb.append('\n');
            int[] s = new int[4];
            sb.append("N");
            for (int i = 0; i < n; i++) sb.append(' ').append(Float.floatToRawIntBits(0.25f + 1.5f * Philox.normal(seed, off + i, s)));
            sb.append('\n');
        }
        System.out.print(sb);
    }
}
