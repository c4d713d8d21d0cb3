#!/usr/bin/env python3
"""Pure-PyTorch reference for echorec: Mamba4Rec, EchoMamba4Rec and SASRec (RecBole's).

CPU only, no mamba_ssm, no recbole. Parameter names and shapes are exactly those of the reference
implementations' state_dicts, so checkpoints can be exchanged with the Java side by name.

Modes (see bench/pytorch/README.md):
  fixtures  write the parity fixtures (weights, inputs, expected outputs, gradients), float64 math
  check     recompute a Java checkpoint + batch in float64 and compare outputs and gradients
  speed     time training steps (float32, Adam) on a RecBole .inter file
"""

import argparse
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------
# Minimal safetensors reader / writer
# ---------------------------------------------------------------------------------------------

_ST_DTYPES = {
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
    "I32": np.dtype("<i4"),
    "I64": np.dtype("<i8"),
}


def _st_save(path, tensors, metadata=None):
    """tensors: ordered dict name -> numpy array (dtype f4/f8/i4/i8). Deterministic output."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        arr = np.asarray(arr)
        st = {("f", 4): "F32", ("f", 8): "F64", ("i", 4): "I32", ("i", 8): "I64"}.get(
            (arr.dtype.kind, arr.dtype.itemsize))
        if st is None:
            raise ValueError(f"{name}: unsupported dtype {arr.dtype}")
        data = np.ascontiguousarray(arr, dtype=_ST_DTYPES[st]).tobytes()
        header[name] = {
            "dtype": st,
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for b in blobs:
            f.write(b)


def _st_load(path):
    """Returns (dict name -> numpy array, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    base = 8 + n
    meta = header.pop("__metadata__", {}) or {}
    out = {}
    for name, info in header.items():
        dt = _ST_DTYPES.get(info["dtype"])
        if dt is None:
            raise ValueError(f"{path}: {name}: unsupported dtype {info['dtype']}")
        b, e = info["data_offsets"]
        arr = np.frombuffer(raw[base + b:base + e], dtype=dt).copy()
        out[name] = arr.reshape(info["shape"])
    return out, meta


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


# How the scan loop takes position i of the precomputed [B, D, L, N] tensors. "ref" indexes like
# selective_scan_ref (deltaA[:, :, i]); under autograd every such slice's backward materialises a
# full-size zero tensor, O(L^2 * B * D * N) memory traffic (~12x slower backward at L = 50).
# "unbind" (default) splits the tensors once: same algorithm, same values, O(L * B * D * N) backward.
SCAN_INDEXING = "unbind"


def selective_scan(u, delta, A, B, C, D, z, delta_bias):
    """mamba_ssm's selective_scan_ref (real A, variable B and C of shape [B, N, L]), without its
    float32 casts so that float64 stays float64.

    u, delta, z: [B, D, L]; A: [D, N]; B, C: [B, N, L]; D, delta_bias: [D]. Sequential over L.
    """
    delta = F.softplus(delta + delta_bias[..., None])  # threshold 20, like the CUDA kernel
    batch, dim, dstate = u.shape[0], A.shape[0], A.shape[1]
    L = u.shape[2]
    x = A.new_zeros((batch, dim, dstate))
    ys = []
    deltaA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
    deltaB_u = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
    if SCAN_INDEXING == "unbind":
        dA, dBu, Cs = deltaA.unbind(2), deltaB_u.unbind(2), C.unbind(2)
    else:
        dA = [deltaA[:, :, i] for i in range(L)]
        dBu = [deltaB_u[:, :, i] for i in range(L)]
        Cs = [C[:, :, i] for i in range(L)]
    for i in range(L):
        x = dA[i] * x + dBu[i]
        ys.append(torch.einsum("bdn,bn->bd", x, Cs[i]))
    y = torch.stack(ys, dim=2)
    out = y + u * D[:, None]
    return out * F.silu(z)


class Mamba(nn.Module):
    """mamba_ssm.modules.mamba_simple.Mamba (v1), the non-fused path (conv1d + selective scan)."""

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2):
        super().__init__()
        self.d_model, self.d_state, self.d_conv = d_model, d_state, d_conv
        self.d_inner = int(expand * d_model)
        self.dt_rank = math.ceil(d_model / 16)
        self.in_proj = nn.Linear(d_model, self.d_inner * 2, bias=False)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, kernel_size=d_conv, groups=self.d_inner,
                                padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32))
                                  .repeat(self.d_inner, 1))
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=False)
        self.reset_mamba_init()

    def reset_mamba_init(self, dt_min=0.001, dt_max=0.1, dt_init_floor=1e-4):
        """mamba_ssm's own initialisation of dt_proj (the recommenders' _init_weights overrides
        the Linear weights and zeroes dt_proj.bias afterwards, as in the reference)."""
        with torch.no_grad():
            std = self.dt_rank ** -0.5
            nn.init.uniform_(self.dt_proj.weight, -std, std)
            dt = torch.exp(torch.rand(self.d_inner) * (math.log(dt_max) - math.log(dt_min))
                           + math.log(dt_min)).clamp(min=dt_init_floor)
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))

    def forward(self, h):
        L = h.shape[1]
        xz = self.in_proj(h).transpose(1, 2)  # [B, 2*d_inner, L]
        x, z = xz.chunk(2, dim=1)
        x = F.silu(self.conv1d(x)[..., :L])  # [B, d_inner, L]
        x_dbl = self.x_proj(x.transpose(1, 2))  # [B, L, dt_rank + 2N]
        dt, Bm, Cm = torch.split(x_dbl, [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = (dt @ self.dt_proj.weight.t()).transpose(1, 2)  # [B, d_inner, L], bias in the scan
        A = -torch.exp(self.A_log)
        y = selective_scan(x, dt, A, Bm.transpose(1, 2), Cm.transpose(1, 2), self.D, z,
                           self.dt_proj.bias)
        return self.out_proj(y.transpose(1, 2))


class MambaFeedForward(nn.Module):
    def __init__(self, d_model, inner_size, dropout):
        super().__init__()
        self.w_1 = nn.Linear(d_model, inner_size)
        self.w_2 = nn.Linear(inner_size, d_model)
        self.dropout = nn.Dropout(dropout)
        self.LayerNorm = nn.LayerNorm(d_model, eps=1e-12)

    def forward(self, x):
        h = self.dropout(F.gelu(self.w_1(x)))  # erf GELU
        h = self.dropout(self.w_2(h))
        return self.LayerNorm(h + x)


class MambaLayer(nn.Module):
    def __init__(self, d_model, d_state, d_conv, expand, dropout, num_layers):
        super().__init__()
        self.num_layers = num_layers
        self.mamba = Mamba(d_model, d_state, d_conv, expand)
        self.dropout = nn.Dropout(dropout)
        self.LayerNorm = nn.LayerNorm(d_model, eps=1e-12)
        self.ffn = MambaFeedForward(d_model, d_model * 4, dropout)

    def forward(self, x):
        h = self.mamba(x)
        if self.num_layers == 1:
            h = self.LayerNorm(self.dropout(h))
        else:
            h = self.LayerNorm(self.dropout(h) + x)
        return self.ffn(h)


def _gather(out, item_seq_len):
    idx = (item_seq_len - 1).view(-1, 1, 1).expand(-1, -1, out.shape[-1])
    return out.gather(dim=1, index=idx).squeeze(1)


def _reference_init(module, std=0.02):
    """The recommenders' _init_weights (applied to every module, Mamba's inner Linears included)."""
    if isinstance(module, (nn.Linear, nn.Embedding)):
        module.weight.data.normal_(mean=0.0, std=std)
    elif isinstance(module, nn.LayerNorm):
        module.bias.data.zero_()
        module.weight.data.fill_(1.0)
    if isinstance(module, nn.Linear) and module.bias is not None:
        module.bias.data.zero_()


class Recommender(nn.Module):
    def calculate_loss(self, item_seq, item_seq_len, pos_items):
        seq_output = self.forward(item_seq, item_seq_len)
        logits = seq_output @ self.item_embedding.weight.t()  # padding row 0 is a class too
        return F.cross_entropy(logits, pos_items), seq_output, logits


class Mamba4Rec(Recommender):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.num_layers = cfg["num_layers"]
        self.item_embedding = nn.Embedding(cfg["n_items"], d, padding_idx=0)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(cfg["dropout"])
        self.mamba_layers = nn.ModuleList([
            MambaLayer(d, cfg["d_state"], cfg["d_conv"], cfg["expand"], cfg["dropout"], self.num_layers)
            for _ in range(self.num_layers)])
        self.apply(_reference_init)

    def forward(self, item_seq, item_seq_len):
        h = self.LayerNorm(self.dropout(self.item_embedding(item_seq)))
        for layer in self.mamba_layers:
            h = layer(h)
        return _gather(h, item_seq_len)


class FilterLayer(nn.Module):
    def __init__(self, max_seq_length, hidden_size, dropout):
        super().__init__()
        self.complex_weight = nn.Parameter(torch.randn(1, max_seq_length // 2 + 1, hidden_size, 2) * 0.02)
        self.out_dropout = nn.Dropout(dropout)
        self.LayerNorm = nn.LayerNorm(hidden_size, eps=1e-12)

    def forward(self, x):
        L = x.shape[1]
        f = torch.fft.rfft(x, dim=1, norm="ortho")
        f = f * torch.view_as_complex(self.complex_weight)
        y = torch.fft.irfft(f, n=L, dim=1, norm="ortho")
        return self.LayerNorm(self.out_dropout(y) + x)


class GLU(nn.Module):
    def __init__(self, d_model, dropout):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_model * 2)
        self.fc2 = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)
        self.LayerNorm = nn.LayerNorm(d_model, eps=1e-12)

    def forward(self, x):
        value, gate = self.fc1(x).chunk(2, dim=-1)
        g = self.fc2(value * torch.sigmoid(gate))
        return self.LayerNorm(self.dropout(g + x))


class BiMambaLayer(nn.Module):
    """EchoMamba4Rec's BiMambaLayer without the unused multi_query_transformer_block."""

    def __init__(self, d_model, d_state, d_conv, expand, dropout, num_layers, max_seq_length):
        super().__init__()
        self.num_layers = num_layers
        self.filter_layer = FilterLayer(max_seq_length, d_model, dropout)
        self.norms_forward = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(num_layers)])  # eps 1e-5
        self.norms_backward = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(num_layers)])
        self.mamba_forwards = nn.ModuleList([Mamba(d_model, d_state, d_conv, expand) for _ in range(num_layers)])
        self.mamba_backwards = nn.ModuleList([Mamba(d_model, d_state, d_conv, expand) for _ in range(num_layers)])
        self.dropout = nn.Dropout(dropout)
        self.glu = GLU(d_model, dropout)

    def forward(self, x):
        x = self.filter_layer(x)
        for i in range(self.num_layers):
            f = self.mamba_forwards[i](x)
            f = self.norms_forward[i](self.dropout(f) + x)
            b = torch.flip(self.mamba_backwards[i](torch.flip(x, [1])), [1])
            b = self.norms_backward[i](self.dropout(b) + x)
            x = f + b
        return self.glu(x)


class EchoMamba4Rec(Recommender):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.num_layers = cfg["num_layers"]
        self.item_embedding = nn.Embedding(cfg["n_items"], d, padding_idx=0)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(cfg["dropout"])
        self.mamba_layers = nn.ModuleList([
            BiMambaLayer(d, cfg["d_state"], cfg["d_conv"], cfg["expand"], cfg["dropout"], self.num_layers,
                         cfg["max_len"])
            for _ in range(self.num_layers)])
        self.apply(_reference_init)

    def forward(self, item_seq, item_seq_len):
        # reference order: embedding -> dropout -> LayerNorm (same as Mamba4Rec)
        h = self.LayerNorm(self.dropout(self.item_embedding(item_seq)))
        for layer in self.mamba_layers:
            h = layer(h)
        return _gather(h, item_seq_len)


class MultiHeadAttention(nn.Module):
    def __init__(self, n_heads, hidden_size, hidden_dropout, attn_dropout, eps):
        super().__init__()
        self.n_heads = n_heads
        self.head_size = hidden_size // n_heads
        self.query = nn.Linear(hidden_size, hidden_size)
        self.key = nn.Linear(hidden_size, hidden_size)
        self.value = nn.Linear(hidden_size, hidden_size)
        self.attn_dropout = nn.Dropout(attn_dropout)
        self.dense = nn.Linear(hidden_size, hidden_size)
        self.LayerNorm = nn.LayerNorm(hidden_size, eps=eps)
        self.out_dropout = nn.Dropout(hidden_dropout)

    def forward(self, x, mask):
        B, L, H = x.shape
        q = self.query(x).view(B, L, self.n_heads, self.head_size).permute(0, 2, 1, 3)
        k = self.key(x).view(B, L, self.n_heads, self.head_size).permute(0, 2, 3, 1)
        v = self.value(x).view(B, L, self.n_heads, self.head_size).permute(0, 2, 1, 3)
        scores = (q @ k) / math.sqrt(self.head_size) + mask
        probs = self.attn_dropout(torch.softmax(scores, dim=-1))
        ctx = (probs @ v).permute(0, 2, 1, 3).reshape(B, L, H)
        h = self.out_dropout(self.dense(ctx))
        return self.LayerNorm(h + x)


class TrmFeedForward(nn.Module):
    def __init__(self, hidden_size, inner_size, hidden_dropout, eps):
        super().__init__()
        self.dense_1 = nn.Linear(hidden_size, inner_size)
        self.dense_2 = nn.Linear(inner_size, hidden_size)
        self.LayerNorm = nn.LayerNorm(hidden_size, eps=eps)
        self.dropout = nn.Dropout(hidden_dropout)

    def forward(self, x):
        h = self.dense_1(x)
        h = h * 0.5 * (1.0 + torch.erf(h / math.sqrt(2.0)))
        h = self.dropout(self.dense_2(h))
        return self.LayerNorm(h + x)


class TransformerLayer(nn.Module):
    def __init__(self, n_heads, hidden_size, inner_size, hidden_dropout, attn_dropout, eps):
        super().__init__()
        self.multi_head_attention = MultiHeadAttention(n_heads, hidden_size, hidden_dropout, attn_dropout, eps)
        self.feed_forward = TrmFeedForward(hidden_size, inner_size, hidden_dropout, eps)

    def forward(self, x, mask):
        return self.feed_forward(self.multi_head_attention(x, mask))


class TransformerEncoder(nn.Module):
    def __init__(self, n_layers, **kw):
        super().__init__()
        self.layer = nn.ModuleList([TransformerLayer(**kw) for _ in range(n_layers)])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class SASRec(Recommender):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.item_embedding = nn.Embedding(cfg["n_items"], d, padding_idx=0)
        self.position_embedding = nn.Embedding(cfg["max_len"], d)
        self.trm_encoder = TransformerEncoder(
            cfg["num_layers"], n_heads=cfg["n_heads"], hidden_size=d, inner_size=cfg["inner_size"],
            hidden_dropout=cfg["dropout"], attn_dropout=cfg["dropout"], eps=eps)
        self.LayerNorm = nn.LayerNorm(d, eps=eps)
        self.dropout = nn.Dropout(cfg["dropout"])
        self.apply(_reference_init)

    @staticmethod
    def attention_mask(item_seq):
        """RecBole's get_attention_mask(bidirectional=False): padding keys and future keys get -10000."""
        m = (item_seq != 0).unsqueeze(1).unsqueeze(2)  # [B, 1, 1, L]
        m = torch.tril(m.expand((-1, -1, item_seq.size(-1), -1)))  # [B, 1, L, L]
        return torch.where(m, 0.0, -10000.0)

    def forward(self, item_seq, item_seq_len):
        pos = torch.arange(item_seq.size(1), dtype=torch.long).unsqueeze(0).expand_as(item_seq)
        h = self.item_embedding(item_seq) + self.position_embedding(pos)
        h = self.dropout(self.LayerNorm(h))
        mask = self.attention_mask(item_seq).to(h.dtype)
        return _gather(self.trm_encoder(h, mask), item_seq_len)


MODELS = {"mamba4rec": Mamba4Rec, "echomamba4rec": EchoMamba4Rec, "sasrec": SASRec}

CONFIG_KEYS = ["model", "hidden_size", "num_layers", "d_state", "d_conv", "expand", "max_len", "n_items",
               "n_heads", "inner_size", "dropout", "layer_norm_eps"]


def normalize_config(cfg):
    cfg = dict(cfg)
    cfg["model"] = str(cfg["model"]).lower()
    if cfg["model"] not in MODELS:
        raise SystemExit(f"unknown model {cfg['model']!r}: expected one of {sorted(MODELS)}")
    for k in ["hidden_size", "num_layers", "d_state", "d_conv", "expand", "max_len", "n_items", "n_heads",
              "inner_size"]:
        if cfg.get(k) is not None:
            cfg[k] = int(cfg[k])
    cfg["dropout"] = float(cfg.get("dropout", 0.0) or 0.0)
    cfg["layer_norm_eps"] = float(cfg.get("layer_norm_eps", 1e-12) or 1e-12)
    return cfg


def build_model(cfg):
    return MODELS[cfg["model"]](cfg)


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

FIXTURE_BASE = dict(hidden_size=16, d_state=8, d_conv=4, expand=2, max_len=12, n_items=31,
                    layer_norm_eps=1e-12)
FIXTURE_MODELS = {
    "mamba4rec": dict(num_layers=2, n_heads=0, inner_size=64, dropout=0.2),
    "echomamba4rec": dict(num_layers=1, n_heads=0, inner_size=64, dropout=0.2),
    "sasrec": dict(num_layers=2, n_heads=2, inner_size=64, dropout=0.5),
}
FIXTURE_LENGTHS = [12, 7, 1, 12, 3]
FIXTURE_SEEDS = {"mamba4rec": 1001, "echomamba4rec": 2002, "sasrec": 3003}


def fixture_config(name):
    cfg = dict(model=name, **FIXTURE_BASE, **FIXTURE_MODELS[name])
    return {k: cfg[k] for k in CONFIG_KEYS}


def well_conditioned_init(model, rng):
    """Random weights with O(1) activations and gradients (numpy RNG: independent of torch)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            shape = tuple(p.shape)
            if leaf == "A_log":
                v = np.log(np.arange(1, shape[1] + 1, dtype=np.float64))[None, :] + rng.normal(0, 0.05, shape)
            elif leaf == "D":
                v = 1.0 + rng.normal(0, 0.1, shape)
            elif leaf == "complex_weight":
                v = rng.normal(0, 0.3, shape)
            elif ".LayerNorm." in "." + name or ".norms_" in "." + name:
                v = (1.0 + rng.normal(0, 0.1, shape)) if leaf == "weight" else rng.normal(0, 0.05, shape)
            elif leaf == "bias":
                v = rng.normal(0, 0.1, shape)
            else:  # Linear / Conv1d / Embedding weights
                v = rng.normal(0, 0.3, shape)
            if name == "item_embedding.weight":
                v[0] = 0.0
            p.copy_(torch.from_numpy(np.asarray(v, dtype=np.float64)))


def fixture_inputs(cfg, rng):
    B, L, n = len(FIXTURE_LENGTHS), cfg["max_len"], cfg["n_items"]
    seq = np.zeros((B, L), dtype=np.int64)
    for b, ln in enumerate(FIXTURE_LENGTHS):
        seq[b, :ln] = rng.integers(1, n, size=ln)
    lens = np.array(FIXTURE_LENGTHS, dtype=np.int64)
    pos = rng.integers(1, n, size=B).astype(np.int64)
    return seq, lens, pos


def run_reference(model, item_seq, item_seq_len, pos_items):
    """float64, eval mode: (loss, seq_output, logits, {param name: grad})."""
    model.double().eval()
    model.zero_grad(set_to_none=True)
    loss, seq_output, logits = model.calculate_loss(item_seq, item_seq_len, pos_items)
    loss.backward()
    grads = {n: (p.grad if p.grad is not None else torch.zeros_like(p)) for n, p in model.named_parameters()}
    return loss.detach(), seq_output.detach(), logits.detach(), grads


def cmd_fixtures(args):
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for name in ["mamba4rec", "echomamba4rec", "sasrec"]:
        cfg = fixture_config(name)
        torch.manual_seed(FIXTURE_SEEDS[name])  # only for construction; all values are overwritten below
        model = build_model(cfg).double()
        rng = np.random.default_rng(FIXTURE_SEEDS[name])
        well_conditioned_init(model, rng)
        seq, lens, pos = fixture_inputs(cfg, rng)
        with torch.no_grad():  # the stored weights are float32: compute with exactly those values
            for p in model.parameters():
                p.copy_(p.float().double())
        loss, seq_out, logits, grads = run_reference(
            model, torch.from_numpy(seq), torch.from_numpy(lens), torch.from_numpy(pos))
        t = {}
        for n, p in model.named_parameters():
            t[n] = p.detach().numpy().astype(np.float32)
        t["input.item_seq"] = seq
        t["input.item_seq_len"] = lens
        t["input.pos_items"] = pos
        t["expected.seq_output"] = seq_out.numpy().astype(np.float32)
        t["expected.logits"] = logits.numpy().astype(np.float32)
        t["expected.loss"] = np.array(loss.item(), dtype=np.float32)
        for n, g in grads.items():
            t["grad." + n] = g.numpy().astype(np.float32)
        meta = {"model": name, "config": json.dumps(cfg),
                "note": "float64 eval-mode reference (dropout off) computed from exactly the stored float32 "
                        "weights; results rounded to float32; echorec bench/pytorch/echorec_ref.py"}
        path = os.path.join(args.out, f"{name}.safetensors")
        _st_save(path, t, meta)
        gmax = max(float(g.abs().max()) for g in grads.values())
        gmin = min(float(g.abs().max()) for g in grads.values())
        print(f"{path}: {os.path.getsize(path)} bytes, loss {loss.item():.6f}, "
              f"{sum(1 for _ in model.parameters())} parameters, per-tensor max|grad| in [{gmin:.3g}, {gmax:.3g}]")


# ---------------------------------------------------------------------------------------------
# Check
# ---------------------------------------------------------------------------------------------


def load_params(model, tensors):
    missing = []
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n not in tensors:
                missing.append(n)
                continue
            v = np.asarray(tensors[n])
            if tuple(v.shape) != tuple(p.shape):
                raise SystemExit(f"{n}: shape {list(v.shape)} in the file, model expects {list(p.shape)}")
            p.copy_(torch.from_numpy(v.astype(np.float64)).to(p.dtype))
    if missing:
        raise SystemExit("missing parameters: " + ", ".join(missing))


def rel_err(a, b, floor=1e-6):
    """max|a - b| / max(max|b|, floor); b is the reference."""
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), floor))


def cmd_check(args):
    torch.set_num_threads(1)
    if args.model_dir:
        with open(os.path.join(args.model_dir, "config.json")) as f:
            cfg = json.load(f)
        weights, _ = _st_load(os.path.join(args.model_dir, "model.safetensors"))
    elif args.weights:
        weights, meta = _st_load(args.weights)
        if "config" not in meta:
            raise SystemExit(f"{args.weights}: no 'config' in the metadata")
        cfg = json.loads(meta["config"])
    else:
        raise SystemExit("check needs --model-dir DIR or --weights FILE")
    cfg = normalize_config(cfg)
    batch, _ = _st_load(args.batch)
    model = build_model(cfg).double()
    load_params(model, weights)
    if args.perturb:
        name, _, amount = args.perturb.partition(":")
        amount = float(amount) if amount else 1e-2
        with torch.no_grad():
            dict(model.named_parameters())[name].view(-1)[0] += amount
        print(f"perturbed {name}[0] by {amount:g}")
    seq = torch.from_numpy(batch["input.item_seq"].astype(np.int64))
    lens = torch.from_numpy(batch["input.item_seq_len"].astype(np.int64).reshape(-1))
    pos = torch.from_numpy(batch["input.pos_items"].astype(np.int64).reshape(-1))
    if seq.shape[1] != cfg["max_len"]:
        print(f"warning: item_seq width {seq.shape[1]} != max_len {cfg['max_len']}", file=sys.stderr)
    loss, seq_out, logits, grads = run_reference(model, seq, lens, pos)
    ours = {"expected.seq_output": seq_out.numpy(), "expected.logits": logits.numpy(),
            "expected.loss": loss.numpy()}
    for n, g in grads.items():
        ours["grad." + n] = g.numpy()
    # Some gradients are zero in exact arithmetic (SASRec's key.bias: softmax is invariant to a per-query
    # constant), so a float32 implementation returns rounding noise there (~1e-8) that no relative test
    # can pass. Gradient tensors therefore get the floor max(--floor, --grad-floor * G), G = the largest
    # max|grad| of the model: tensors far below the model's gradient scale are compared absolutely.
    gscale = max([float(np.max(np.abs(v))) for k, v in ours.items() if k.startswith("grad.") and v.size] + [0.0])
    failed, compared = [], 0
    for key in sorted(k for k in batch if k.startswith("expected.") or k.startswith("grad.")):
        if key not in ours:
            print(f"{key:60s} unknown (not an output or a parameter gradient of this model)")
            failed.append(key)
            continue
        floor = max(args.floor, args.grad_floor * gscale) if key.startswith("grad.") else args.floor
        ref_max = float(np.max(np.abs(ours[key]))) if ours[key].size else 0.0
        e = rel_err(batch[key], ours[key], floor)
        compared += 1
        bad = not (e <= args.tol)
        note = f"  (reference max {ref_max:.1e} < floor {floor:.1e}: error relative to the floor)" if ref_max < floor else ""
        print(f"{key:60s} {e:.3e}{'  FAIL' if bad else ''}{note}")
        if bad:
            failed.append(key)
    for key in sorted(k for k in ours if k not in batch):
        print(f"{key:60s} not in the batch file (not compared)")
    if "expected.seq_output" not in batch or "expected.loss" not in batch:
        print("the batch file lacks expected.seq_output or expected.loss")
        failed.append("expected.*")
    print(f"{compared} tensors compared, tolerance {args.tol:g}: " + ("FAILED: " + ", ".join(failed) if failed else "OK"))
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------


def read_inter(path):
    """RecBole atomic .inter file -> per-user item lists (items remapped to 1..n, 0 = padding)."""
    with open(path, encoding="utf-8") as f:
        cols = [c.split(":")[0] for c in f.readline().rstrip("\n").split("\t")]
        iu, ii, it = cols.index("user_id"), cols.index("item_id"), cols.index("timestamp")
        users, items, times = [], [], []
        for line in f:
            if not line.strip():
                continue
            p = line.rstrip("\n").split("\t")
            users.append(p[iu]); items.append(p[ii]); times.append(float(p[it]))
    item_ids, user_seqs = {}, {}
    for u, i, t in zip(users, items, times):
        iid = item_ids.setdefault(i, len(item_ids) + 1)
        user_seqs.setdefault(u, []).append((t, iid))
    seqs = [[iid for _, iid in sorted(v, key=lambda x: x[0])] for v in user_seqs.values()]  # stable sort
    return seqs, len(item_ids) + 1


def training_samples(seqs, max_len):
    """Every prefix of each user's sequence without its last two items (valid, test): target = next item,
    history = the most recent max_len items, right padded with 0."""
    n = sum(max(len(s) - 3, 0) for s in seqs)
    X = np.zeros((n, max_len), dtype=np.int64)
    lens = np.zeros(n, dtype=np.int64)
    y = np.zeros(n, dtype=np.int64)
    k = 0
    for s in seqs:
        train = s[:-2]
        for t in range(1, len(train)):
            h = train[max(0, t - max_len):t]
            X[k, :len(h)] = h
            lens[k] = len(h)
            y[k] = train[t]
            k += 1
    return X[:k], lens[:k], y[:k]


def cmd_speed(args):
    global SCAN_INDEXING
    SCAN_INDEXING = args.scan
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    seqs, n_items = read_inter(args.data)
    X, lens, y = training_samples(seqs, args.max_len)
    is_sas = args.model == "sasrec"
    cfg = normalize_config(dict(
        model=args.model, hidden_size=args.hidden,
        num_layers=args.num_layers if args.num_layers is not None else (2 if is_sas else 1),
        d_state=args.d_state, d_conv=args.d_conv, expand=args.expand, max_len=args.max_len, n_items=n_items,
        n_heads=args.n_heads, inner_size=args.inner_size if args.inner_size else 4 * args.hidden,
        dropout=args.dropout if args.dropout is not None else (0.5 if is_sas else 0.2), layer_norm_eps=1e-12))
    model = build_model(cfg).float().train()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(y))
    nb = len(y) // args.batch
    if nb == 0:
        raise SystemExit(f"{len(y)} samples: fewer than one batch of {args.batch}")

    def step(i):
        idx = order[(i % nb) * args.batch:(i % nb + 1) * args.batch]
        loss, _, _ = model.calculate_loss(torch.from_numpy(X[idx]), torch.from_numpy(lens[idx]),
                                          torch.from_numpy(y[idx]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    print(f"# {args.model}: {len(seqs)} users, {n_items - 1} items, {len(y)} training samples, "
          f"{sum(p.numel() for p in model.parameters())} parameters, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, scan indexing {SCAN_INDEXING}", file=sys.stderr)
    for i in range(args.warmup):
        ts = time.perf_counter()
        loss = step(i)
        print(f"# warm-up step {i + 1}/{args.warmup}: {time.perf_counter() - ts:.2f} s, loss {loss:.4f}",
              file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    for i in range(args.steps):
        ts = time.perf_counter()
        loss = step(args.warmup + i)
        print(f"# step {i + 1}/{args.steps}: {time.perf_counter() - ts:.2f} s, loss {loss:.4f}",
              file=sys.stderr, flush=True)
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    print(json.dumps({"model": args.model, "max_len": args.max_len, "batch": args.batch, "threads": args.threads,
                      "samples_per_s": round(args.batch * args.steps / dt, 1),
                      "seconds_per_step": round(dt / args.steps, 4), "peak_rss_mb": round(peak, 1)}))
    return 0


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)

    p = sub.add_parser("fixtures", help="write the parity fixtures")
    p.add_argument("--out", default="model/src/test/resources/parity/")

    p = sub.add_parser("check", help="compare a Java checkpoint + batch with the float64 reference")
    p.add_argument("--model-dir", help="Java checkpoint directory: model.safetensors + config.json")
    p.add_argument("--weights", help="alternatively a safetensors file with the parameters and a 'config' metadata entry")
    p.add_argument("--batch", required=True, help="safetensors with input.*, expected.*, grad.*")
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--floor", type=float, default=1e-6, help="absolute floor of the denominator (default 1e-6)")
    p.add_argument("--grad-floor", type=float, default=1e-3,
                   help="gradient tensors: floor also >= this times the model's largest |grad| (default 1e-3; 0 = off)")
    p.add_argument("--perturb", help="NAME[:AMOUNT]: add AMOUNT (default 0.01) to the first element of a parameter "
                                     "before computing (self-test: the check must then fail)")

    p = sub.add_parser("speed", help="time training steps on a RecBole .inter file")
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--data", required=True)
    p.add_argument("--max-len", type=int, default=50)
    p.add_argument("--batch", type=int, default=2048)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--num-layers", type=int, default=None, help="default 1 (Mamba models), 2 (SASRec)")
    p.add_argument("--d-state", type=int, default=32)
    p.add_argument("--d-conv", type=int, default=4)
    p.add_argument("--expand", type=int, default=2)
    p.add_argument("--n-heads", type=int, default=2)
    p.add_argument("--inner-size", type=int, default=None, help="default 4 * hidden")
    p.add_argument("--dropout", type=float, default=None, help="default 0.2 (Mamba models), 0.5 (SASRec)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--scan", choices=["unbind", "ref"], default="unbind",
                   help="Mamba scan loop indexing: unbind (default) or selective_scan_ref's per-step slices")

    args = ap.parse_args(argv)
    if args.mode == "fixtures":
        cmd_fixtures(args)
        return 0
    if args.mode == "check":
        return cmd_check(args)
    return cmd_speed(args)


if __name__ == "__main__":
    sys.exit(main())
