package org.echorec.runtime.op.scan;

/**
 * The scalar reference of the selective scan, in double: the definition the kernels are tested
 * against. Layout as in {@code Ops.selectiveScan}: u, delta, y {@code [B, L, D]}; a {@code [D, N]};
 * b, c {@code [B, L, N]}; d, bias {@code [D]} or null; states {@code [B, S, D, N]}.
 */
final class SelectiveScanRef {
    private SelectiveScanRef() {}

    /** The operands of one call, flat and row-major. */
    record Problem(int batch, int length, int channels, int n, double[] u, double[] delta, double[] a, double[] b,
                   double[] c, double[] d, double[] bias, boolean softplus) {

        /** The same problem with the operands replaced by {@code in} (u, delta, a, b, c, d, bias). */
        Problem with(double[][] in) {
            return new Problem(batch, length, channels, n, in[0], in[1], in[2], in[3], in[4], in[5], in[6], softplus);
        }

        double[][] operands() {
            return new double[][] {u, delta, a, b, c, d, bias};
        }
    }

    /** y and the chunk states. */
    record Output(double[] y, double[] states) {}

    /** Gradients of every operand (dd, dbias null when d, bias are). */
    record Gradients(double[] du, double[] ddelta, double[] da, double[] db, double[] dc, double[] dd, double[] dbias) {
        double[][] all() {
            return new double[][] {du, ddelta, da, db, dc, dd, dbias};
        }
    }

    static Output forward(Problem p, int chunks) {
        int bs = p.batch, len = p.length, ds = p.channels, n = p.n;
        int chunkLen = (len + chunks - 1) / chunks;
        double[] y = new double[bs * len * ds];
        double[] states = new double[bs * chunks * ds * n];
        for (int b = 0; b < bs; b++) {
            for (int d = 0; d < ds; d++) {
                double[][] h = new double[len + 1][n]; // h[t+1] is the state after step t
                for (int t = 0; t < len; t++) {
                    int x = (b * len + t) * ds + d;
                    double dt = delta(p, x, d);
                    double yt = 0;
                    for (int i = 0; i < n; i++) {
                        double decay = Math.exp(dt * p.a[d * n + i]);
                        h[t + 1][i] = decay * h[t][i] + dt * p.b[(b * len + t) * n + i] * p.u[x];
                        yt += p.c[(b * len + t) * n + i] * h[t + 1][i];
                    }
                    y[x] = yt + (p.d == null ? 0 : p.d[d] * p.u[x]);
                }
                for (int k = 0; k < chunks; k++) {
                    int end = Math.min(len, (k + 1) * chunkLen);
                    System.arraycopy(h[end], 0, states, ((b * chunks + k) * ds + d) * n, n);
                }
            }
        }
        return new Output(y, states);
    }

    /** Reverse-mode of {@link #forward}'s loop for upstream gradient dy, keeping every state. */
    static Gradients backward(Problem p, double[] dy) {
        int bs = p.batch, len = p.length, ds = p.channels, n = p.n;
        double[] du = new double[bs * len * ds];
        double[] ddelta = new double[bs * len * ds];
        double[] da = new double[ds * n];
        double[] db = new double[bs * len * n];
        double[] dc = new double[bs * len * n];
        double[] dd = p.d == null ? null : new double[ds];
        double[] dbias = p.bias == null ? null : new double[ds];
        for (int b = 0; b < bs; b++) {
            for (int d = 0; d < ds; d++) {
                double[][] h = new double[len + 1][n];
                double[][] decay = new double[len][n];
                for (int t = 0; t < len; t++) {
                    int x = (b * len + t) * ds + d;
                    double dt = delta(p, x, d);
                    for (int i = 0; i < n; i++) {
                        decay[t][i] = Math.exp(dt * p.a[d * n + i]);
                        h[t + 1][i] = decay[t][i] * h[t][i] + dt * p.b[(b * len + t) * n + i] * p.u[x];
                    }
                }
                double[] gh = new double[n]; // dL/dh_t, gathered from y_t and h_{t+1}
                for (int t = len - 1; t >= 0; t--) {
                    int x = (b * len + t) * ds + d;
                    int row = (b * len + t) * n;
                    double dt = delta(p, x, d);
                    double ddt = 0;
                    for (int i = 0; i < n; i++) {
                        gh[i] += dy[x] * p.c[row + i];
                        dc[row + i] += dy[x] * h[t + 1][i];
                        double dDecay = gh[i] * h[t][i];
                        ddt += dDecay * decay[t][i] * p.a[d * n + i] + gh[i] * p.b[row + i] * p.u[x];
                        da[d * n + i] += dDecay * decay[t][i] * dt;
                        db[row + i] += gh[i] * dt * p.u[x];
                        du[x] += gh[i] * dt * p.b[row + i];
                        gh[i] *= decay[t][i];
                    }
                    if (p.d != null) {
                        du[x] += p.d[d] * dy[x];
                        dd[d] += dy[x] * p.u[x];
                    }
                    double z = p.delta[x] + (p.bias == null ? 0 : p.bias[d]);
                    ddelta[x] = p.softplus && z <= 20 ? ddt / (1 + Math.exp(-z)) : ddt;
                    if (p.bias != null) {
                        dbias[d] += ddelta[x];
                    }
                }
            }
        }
        return new Gradients(du, ddelta, da, db, dc, dd, dbias);
    }

    /** Δ at element x of channel d: softplus(delta + bias) (identity above 20, as PyTorch) or delta + bias. */
    private static double delta(Problem p, int x, int d) {
        double z = p.delta[x] + (p.bias == null ? 0 : p.bias[d]);
        return p.softplus && z <= 20 ? Math.log1p(Math.exp(z)) : z;
    }
}
