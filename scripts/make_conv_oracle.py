#!/usr/bin/python3
"""Write tests/ref/data/torch_conv.bin: small random int8 convolutions and
PyTorch's own quantized results for them, the independent oracle the golden
kernel abacus::ref::conv2d_i8 is checked against in its float32
requantization mode (tests/ref/test_conv_torch.cpp). A development-time
script: its output is committed, the test is C++ only.

  /usr/bin/python3 scripts/make_conv_oracle.py [OUT]   (default tests/ref/data/torch_conv.bin)

Needs Debian's python3-torch (1.13) and python3-numpy; use Debian's
interpreter (/usr/bin/python3). Seeded and deterministic: a rerun writes the
same bytes.

Each case runs torch.ops.quantized.conv2d (or conv2d_relu) on the qnnpack
engine with prepacked weights: activations quint8 (per-tensor scale and
zero point), weights qint8 symmetric, per tensor or per output channel
(per_channel_affine with zero points 0, which is what per_channel_symmetric
observers produce), a float bias. What PyTorch 1.13's qnnpack conv computes
(aten/src/ATen/native/quantized/cpu/qconv.cpp, PackedConvWeightsQnnp::
apply_impl; QnnpackUtils.h; QuantUtils.h; AffineQuantizerBase.cpp;
qnnpack/src/q8conv/4x4c2-sse2.c):

  int32 bias   quant_utils::QuantizeBias -> at::quantize_per_tensor(bias,
               w_scale * x_scale, 0, kQInt32) (per channel:
               quantize_per_channel with w_scales[c] * x_scale): the scale
               is a double product, then quantize_val takes
               inv = 1.0f / float(scale) and nearbyint(float(bias) * inv),
               clamped to int32 (the build has no FBGEMM; FBGEMM's Quantize
               computes the same).
  requant      generate_requantization_scales: float32
               (float(w_scale) * float(x_scale)) * (1.f / float(y_scale)),
               per channel.
  output       the kernel: float(acc + bias) * requant in float32,
               _mm_cvtps_epi32 (round half to even), + y_zero_point,
               clamped to [output_min, output_max]; with ReLU output_min =
               y_zero_point (activationLimits), else 0; output_max = 255.

This is exactly ref::requantize_float. The script checks it: it recomputes
every case from the integers it writes (an int64 convolution in numpy and
that formula) and stops unless every output byte equals PyTorch's; it also
reports how many bytes a few wrong formulas would get wrong, to show the
cases tell them apart.

PyTorch pads symmetrically; a case with unequal pads pads the uint8 input
itself with the input zero point for the excess and gives PyTorch the
common part, and records the unpadded input and the four pads.

File format (little-endian throughout):

  "ABTCONV1"  8 bytes; u32 case count
  per case:
    u32 name length, name bytes (ASCII, what the case covers)
    i32[24]: batch, in_h, in_w, in_c, kernel_h, kernel_w, out_c,
             stride_h, stride_w, dilation_h, dilation_w,
             pad_top, pad_left, pad_bottom, pad_right, groups,
             zp_in, zp_out, act_min, act_max, out_h, out_w,
             flags (bit 0 fused ReLU, bit 1 per-channel weight scales), 0
    int8 x[batch][in_h][in_w][in_c]                 (uint8 value - 128)
    int8 w[kernel_h][kernel_w][in_c/groups][out_c]  (HWIO, as conv2d_i8 takes)
    i32  bias[out_c]                                (the int32 bias PyTorch uses)
    f32  scale[out_c]                               (the float32 requant scale)
    int8 y[batch][out_h][out_w][out_c]              (PyTorch's uint8 output - 128)
  "END!"  4 bytes; u32 case count again

Zero points and act_min/act_max are in int8 terms (uint8 - 128).
"""
import os
import struct
import sys

import numpy as np
import torch

SEED = 20240611
HEADER_FIELDS = 24


def case(name, n=1, h=6, w=6, c=4, k=(3, 3), oc=4, s=(1, 1), d=(1, 1), pads=(0, 0, 0, 0), g=1, relu=False,
         per_channel=False, scales="random", big=False):
    """pads: top, left, bottom, right."""
    return dict(name=name, n=n, h=h, w=w, c=c, kh=k[0], kw=k[1], oc=oc, sh=s[0], sw=s[1], dh=d[0], dw=d[1],
                pads=pads, g=g, relu=relu, per_channel=per_channel, scales=scales, big=big)


CASES = [
    case("1x1 stride 1 no padding (qnnpack gemm)", h=5, w=5, c=3, k=(1, 1), oc=5),
    case("3x3 stride 1 pad 1", c=4, oc=8, pads=(1, 1, 1, 1)),
    case("3x3 stride 2 pad 1", h=9, w=9, c=3, oc=6, s=(2, 2), pads=(1, 1, 1, 1)),
    case("3x3 stride 3 no padding", h=10, w=11, c=5, oc=4, s=(3, 3)),
    case("3x3 stride (1,2) pad 1", h=7, w=9, c=4, oc=4, s=(1, 2), pads=(1, 1, 1, 1), relu=True),
    case("3x3 stride (3,1) pad (2,1)", h=10, w=6, c=2, oc=3, s=(3, 1), pads=(2, 1, 2, 1)),
    case("3x3 dilation 2 pad 2", h=8, w=8, c=4, oc=4, d=(2, 2), pads=(2, 2, 2, 2)),
    case("3x3 dilation (1,2) pad (1,2)", h=7, w=9, c=3, oc=5, d=(1, 2), pads=(1, 2, 1, 2), per_channel=True),
    case("3x3 dilation (2,1) stride 2 no padding", h=11, w=8, c=4, oc=4, s=(2, 2), d=(2, 1)),
    case("5x5 stride 1 pad 2", h=7, w=7, c=3, k=(5, 5), oc=4, pads=(2, 2, 2, 2)),
    case("5x5 stride 2 dilation 2 pad 1", h=12, w=12, c=2, k=(5, 5), oc=3, s=(2, 2), d=(2, 2), pads=(1, 1, 1, 1)),
    case("1x3 pad (0,1)", h=5, w=7, c=4, k=(1, 3), oc=4, pads=(0, 1, 0, 1)),
    case("3x1 stride (2,1) pad (1,0)", h=9, w=5, c=3, k=(3, 1), oc=4, s=(2, 1), pads=(1, 0, 1, 0)),
    case("2x5 stride (1,2) dilation (2,1) pad (1,2)", h=8, w=11, c=3, k=(2, 5), oc=4, s=(1, 2), d=(2, 1),
         pads=(1, 2, 1, 2)),
    case("1x1 stride 2 (qnnpack conv path)", h=7, w=7, c=6, k=(1, 1), oc=5, s=(2, 2)),
    case("1x1 pad 1", h=4, w=5, c=4, k=(1, 1), oc=3, pads=(1, 1, 1, 1), relu=True),
    case("groups 2 3x3 pad 1", c=6, oc=4, g=2, pads=(1, 1, 1, 1)),
    case("groups 4 3x3 stride 2", h=9, w=9, c=8, oc=12, g=4, s=(2, 2)),
    case("depthwise 3x3 pad 1 (qnnpack dwconv unipass)", c=8, oc=8, g=8, pads=(1, 1, 1, 1)),
    case("depthwise 5x5 pad 2 (qnnpack dwconv multipass)", h=8, w=8, c=9, k=(5, 5), oc=9, g=9,
         pads=(2, 2, 2, 2)),
    case("depthwise 3x3 stride 2 pad 1 relu", h=9, w=9, c=16, oc=16, g=16, s=(2, 2), pads=(1, 1, 1, 1), relu=True),
    case("depthwise 3x3 dilation 2 pad 2", h=8, w=8, c=8, oc=8, g=8, d=(2, 2), pads=(2, 2, 2, 2)),
    case("depthwise 3x3 3 channels", h=5, w=6, c=3, oc=3, g=3, pads=(1, 1, 1, 1)),
    case("depthwise 2x3 (not a dwconv shape)", h=6, w=6, c=4, k=(2, 3), oc=4, g=4, pads=(1, 1, 1, 1)),
    case("channel multiplier 2 (groups = in_c, out_c = 2 in_c)", c=4, oc=8, g=4, pads=(1, 1, 1, 1)),
    case("channel multiplier 3 stride 2", h=9, w=9, c=3, oc=9, g=3, s=(2, 2), pads=(1, 1, 1, 1), relu=True),
    case("asymmetric pads (0,0,1,1) stride 2 (TF SAME)", h=8, w=8, c=4, oc=4, s=(2, 2), pads=(0, 0, 1, 1)),
    case("asymmetric pads (2,0,1,3)", h=5, w=6, c=3, oc=4, pads=(2, 0, 1, 3)),
    case("asymmetric pads (1,2,3,1) depthwise", h=6, w=6, c=8, oc=8, g=8, pads=(1, 2, 3, 1)),
    case("asymmetric pads (3,1,0,2) 5x5 dilation (1,2)", h=7, w=9, c=2, k=(5, 5), oc=3, d=(1, 2),
         pads=(3, 1, 0, 2)),
    case("batch 2 3x3 pad 1", n=2, h=5, w=5, c=4, oc=6, pads=(1, 1, 1, 1)),
    case("batch 2 depthwise stride 2 relu", n=2, h=7, w=7, c=8, oc=8, g=8, s=(2, 2), pads=(1, 1, 1, 1),
         relu=True),
    case("per-channel 3x3 pad 1", c=5, oc=7, pads=(1, 1, 1, 1), per_channel=True),
    case("per-channel depthwise 3x3 pad 1", c=8, oc=8, g=8, pads=(1, 1, 1, 1), per_channel=True),
    case("per-channel groups 2 relu asymmetric pads (1,0,0,2)", h=5, w=5, c=4, oc=6, g=2, pads=(1, 0, 0, 2),
         per_channel=True, relu=True),
    case("per-channel batch 2 channel multiplier 2 stride (2,1)", n=2, h=7, w=6, c=3, oc=6, g=3, s=(2, 1),
         pads=(1, 1, 1, 1), per_channel=True),
    case("power-of-two scales: exact ties, round half to even", c=4, oc=4, pads=(1, 1, 1, 1), scales="pow2"),
    case("power-of-two per-channel scales: ties", h=5, w=5, c=3, k=(1, 1), oc=6, scales="pow2", per_channel=True),
    case("scale order: (w*x)*(1/y) in float32, crafted accumulators", h=4, w=4, c=8, oc=4, scales="order"),
    case("requant scale > 1", h=5, w=5, c=2, k=(1, 1), oc=3, scales="gain"),
    case("|acc| > 2^24: float32(acc + bias) rounds onto ties", h=4, w=4, c=128, oc=4, big=True),
]


def f32(v):
    return np.float32(v)


def conv_acc(xp, wq, sh, sw, dh, dw, g):
    """int64 convolution of the padded uint8 input (zero point already
    subtracted) with int8 OIHW weights: [N][OC][OH][OW]."""
    n, c, h, w = xp.shape
    oc, cg, kh, kw = wq.shape
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (w - dw * (kw - 1) - 1) // sw + 1
    ocg = oc // g
    acc = np.zeros((n, oc, oh, ow), np.int64)
    for o in range(oc):
        grp = o // ocg
        for ky in range(kh):
            for kx in range(kw):
                patch = xp[:, grp * cg:(grp + 1) * cg, ky * dh:ky * dh + sh * (oh - 1) + 1:sh,
                           kx * dw:kx * dw + sw * (ow - 1) + 1:sw]
                acc[:, o] += np.tensordot(patch, wq[o, :, ky, kx].astype(np.int64), axes=([1], [0]))
    return acc


def requant(acc, bias, scale, zp, lo, hi, half_even=True):
    """ref::requantize_float over [N][OC][OH][OW], uint8 terms."""
    x = (acc + bias[None, :, None, None]).astype(np.int64)
    assert np.all(np.abs(x) < 2**31)
    prod = x.astype(np.float32) * scale[None, :, None, None].astype(np.float32)
    r = np.rint(prod) if half_even else np.trunc(prod + np.copysign(np.float32(0.5), prod))
    return np.clip(r.astype(np.float64) + zp, lo, hi).astype(np.int64)


def make_case(rng, cs):
    n, h, w, c, kh, kw, oc, g = cs["n"], cs["h"], cs["w"], cs["c"], cs["kh"], cs["kw"], cs["oc"], cs["g"]
    sh, sw, dh, dw = cs["sh"], cs["sw"], cs["dh"], cs["dw"]
    pt, pl, pb, pr = cs["pads"]
    cg = c // g
    assert c % g == 0 and oc % g == 0

    # quantization parameters
    if cs["scales"] == "pow2":
        x_scale, x_zp = 2.0**-int(rng.integers(3, 7)), int(rng.integers(20, 236))
        w_scales = 2.0**-rng.integers(5, 9, size=oc if cs["per_channel"] else 1).astype(np.float64)
    else:
        x_scale, x_zp = float(rng.uniform(0.005, 0.05)), int(rng.integers(1, 255))
        w_scales = rng.uniform(0.002, 0.02, size=oc if cs["per_channel"] else 1)
    if cs["big"]:
        x_scale, x_zp, w_scales = 2.0**-6, int(rng.integers(0, 3)), np.array([2.0**-7])
    w_scales_oc = np.broadcast_to(w_scales, (oc,)).astype(np.float64)

    # integers
    if cs["big"]:
        xu = rng.integers(250, 256, size=(n, c, h, w)).astype(np.uint8)
        wq = rng.integers(118, 128, size=(oc, cg, kh, kw)).astype(np.int8)
        wq[1::2] = -wq[1::2]
    elif cs["scales"] == "pow2":  # small accumulators: requant scales 2^-1, 2^-2, ... give many exact ties
        xu = (x_zp + rng.integers(-4, 5, size=(n, c, h, w))).astype(np.uint8)
        wq = rng.integers(-4, 5, size=(oc, cg, kh, kw)).astype(np.int8)
    else:
        xu = rng.integers(0, 256, size=(n, c, h, w)).astype(np.uint8)
        wq = rng.integers(-127, 128, size=(oc, cg, kh, kw)).astype(np.int8)

    # PyTorch pads symmetrically by min(top, bottom), min(left, right); the
    # rest is padded here with the input zero point
    tph, tpw = min(pt, pb), min(pl, pr)
    xpad = np.pad(xu, ((0, 0), (0, 0), (pt - tph, pb - tph), (pl - tpw, pr - tpw)), constant_values=x_zp)

    # the float bias: a fraction of a typical accumulator, in real terms
    full = np.pad(xu, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=x_zp).astype(np.int64) - x_zp
    acc = conv_acc(full, wq, sh, sw, dh, dw, g)
    spread = max(float(acc.std()), 1.0)
    bias_f = (rng.standard_normal(oc) * spread * 0.5 * w_scales_oc * x_scale).astype(np.float32)
    if cs["scales"] == "pow2":  # whole multiples of the bias scale: exact in int32
        bias_f = (np.round(bias_f / (w_scales_oc * x_scale)) * (w_scales_oc * x_scale)).astype(np.float32)
    if cs["big"]:
        # requant scale 2^-19; output (0, 0, 0, c) lands at acc + bias = T, a
        # tie (k + 1/2) * 2^19 moved off it by less than half the float32
        # spacing at T (|T| > 2^24): float32(T) rounds back onto the tie,
        # which rounds to even, while the exact T would round away from it
        # (up from above with k even, down from below with k odd)
        bias_q = np.zeros(oc, np.int64)
        for o in range(oc):
            a0 = int(acc[0, o, 0, 0])
            up = o % 2 == 0
            k = 2 * int(round(abs(a0) / 2**20)) + (0 if up else 1)
            tie = (2 * k + 1) * 2**18
            spacing = 2**(int(np.floor(np.log2(tie))) - 23)
            t = tie + (spacing // 2 - 1) * (1 if up else -1)
            t = t if a0 >= 0 else -t
            assert abs(t) > 2**24 and spacing >= 4
            bias_q[o] = t - a0
        bias_f = (bias_q * (w_scales_oc * x_scale)).astype(np.float32)
        assert np.array_equal(bias_f.astype(np.float64) / (w_scales_oc * x_scale), bias_q)

    # output quantization: about six standard deviations over the uint8 range
    real = acc.astype(np.float64) * (w_scales_oc * x_scale)[None, :, None, None]
    if cs["big"]:
        y_scale, y_zp = x_scale * float(w_scales[0]) * 2.0**19, 128
    elif cs["scales"] == "pow2":  # requant scales 2^-m: many exact ties
        m = max(1, int(np.ceil(np.log2(max(float(acc.std()) * 6 / 255, 1.0)))))
        y_scale, y_zp = float(w_scales_oc.max() * x_scale) * 2.0**m, int(rng.integers(60, 200))
    elif cs["scales"] == "order":
        # a y scale for which (w * x) * (1 / y) in float32 differs from both
        # float32(w * x / y) computed in double and (w * x) / y in float32
        while True:
            y_scale = float(w_scales[0] * x_scale * 2.0**16 * rng.uniform(0.9, 1.1))
            y_zp = int(rng.integers(100, 156))
            s = (f32(w_scales[0]) * f32(x_scale)) * (f32(1.0) / f32(y_scale))
            if s != f32(w_scales[0] * x_scale / y_scale) and s != (f32(w_scales[0]) * f32(x_scale)) / f32(y_scale):
                break
    elif cs["scales"] == "gain":
        y_scale, y_zp = float(w_scales_oc.min() * x_scale * rng.uniform(0.3, 0.7)), int(rng.integers(100, 156))
    else:
        y_scale = max(float(real.std()), 1e-6) * 6 / 255 * float(rng.uniform(0.7, 1.3))
        y_zp = int(rng.integers(40, 216))

    if cs["scales"] == "order":
        # output (0, 0, 0, c) lands at an acc + bias = A where the right
        # scale and the wrong one (channels 0, 1: computed in double; 2, 3:
        # divided in float32) round to different integers
        s = (f32(w_scales[0]) * f32(x_scale)) * (f32(1.0) / f32(y_scale))
        alts = [f32(w_scales[0] * x_scale / y_scale), (f32(w_scales[0]) * f32(x_scale)) / f32(y_scale)]
        bscale = float(w_scales[0] * x_scale)
        cand = np.arange(int(40 / s), int(110 / s), dtype=np.int64)
        assert cand[-1] < 2**24
        bias_q = np.zeros(oc, np.int64)
        used = set()
        for o in range(oc):
            a0 = int(acc[0, o, 0, 0])
            alt = alts[o // 2]
            sign = 1 if o % 2 == 0 else -1
            hit = np.nonzero(np.rint(cand.astype(np.float32) * s) != np.rint(cand.astype(np.float32) * alt))[0]
            for i in rng.permutation(hit):
                a = sign * int(cand[i])
                b = a - a0
                bf = f32(b * bscale)
                if a not in used and int(np.rint(bf * (f32(1.0) / f32(bscale)))) == b:
                    bias_q[o] = b
                    used.add(a)
                    break
            else:
                sys.exit(f"case {cs['name']}: no accumulator tells the scales apart")
        bias_f = (bias_q * bscale).astype(np.float32)

    # PyTorch
    xq = torch._make_per_tensor_quantized_tensor(torch.from_numpy(xpad.copy()), x_scale, x_zp)
    if cs["per_channel"]:
        wt = torch._make_per_channel_quantized_tensor(torch.from_numpy(wq.copy()), torch.from_numpy(w_scales_oc.copy()),
                                                      torch.zeros(oc, dtype=torch.int64), 0)
    else:
        wt = torch._make_per_tensor_quantized_tensor(torch.from_numpy(wq.copy()), float(w_scales[0]), 0)
    packed = torch.ops.quantized.conv2d_prepack(wt, torch.from_numpy(bias_f.copy()), [sh, sw], [tph, tpw], [dh, dw], g)
    op = torch.ops.quantized.conv2d_relu if cs["relu"] else torch.ops.quantized.conv2d
    y = op(xq, packed, y_scale, y_zp)
    assert y.dtype == torch.quint8 and y.q_zero_point() == y_zp
    yu = y.int_repr().numpy().astype(np.int64)  # [N][OC][OH][OW]

    # the int32 bias as PyTorch's QuantizeBias makes it (the same ATen calls)
    if cs["per_channel"]:
        qb = torch.quantize_per_channel(torch.from_numpy(bias_f.copy()), wt.q_per_channel_scales() * x_scale,
                                        torch.zeros(oc, dtype=torch.int64), 0, torch.qint32)
    else:
        qb = torch.quantize_per_tensor(torch.from_numpy(bias_f.copy()), wt.q_scale() * x_scale, 0, torch.qint32)
    bias_q = qb.int_repr().numpy().astype(np.int64)
    # ... and by the formula read from the source
    bias_scale = (w_scales_oc * x_scale).astype(np.float32)
    inv = f32(1.0) / bias_scale
    assert np.array_equal(bias_q, np.rint(bias_f * inv).astype(np.int64)), cs["name"]

    # the requant scale: (float(w) * float(x)) * (1 / float(y)) in float32
    scale = (w_scales_oc.astype(np.float32) * f32(x_scale)) * (f32(1.0) / f32(y_scale))
    assert scale.dtype == np.float32

    lo = y_zp if cs["relu"] else 0
    hi = 255
    ours = requant(acc, bias_q, scale, y_zp, lo, hi)
    bad = int((ours != yu).sum())
    if bad:
        sys.exit(f"case {cs['name']}: {bad} of {yu.size} bytes differ from PyTorch; the formula is wrong")

    # how wrong formulas fare (for the summary)
    wrong = {
        "scale w*x/y in double": requant(acc, bias_q, (w_scales_oc * x_scale / y_scale).astype(np.float32), y_zp,
                                         lo, hi),
        "scale (w*x)/y in float32": requant(acc, bias_q, (w_scales_oc.astype(np.float32) * f32(x_scale)) /
                                            f32(y_scale), y_zp, lo, hi),
        "bias truncated": requant(acc, np.trunc(bias_f.astype(np.float64) / (w_scales_oc * x_scale)).astype(np.int64),
                                  scale, y_zp, lo, hi),
        "ties away": requant(acc, bias_q, scale, y_zp, lo, hi, half_even=False),
        "acc not rounded to float32": np.clip(np.rint((acc + bias_q[None, :, None, None]).astype(np.float64) *
                                                      scale[None, :, None, None].astype(np.float64)) + y_zp, lo, hi),
    }
    wrong = {k: int((v != yu).sum()) for k, v in wrong.items()}
    ties = int((np.abs(np.modf((acc + bias_q[None, :, None, None]).astype(np.float32) *
                               scale[None, :, None, None])[0]) == 0.5).sum())

    oh, ow = yu.shape[2], yu.shape[3]
    flags = (1 if cs["relu"] else 0) | (2 if cs["per_channel"] else 0)
    act_min = (y_zp if cs["relu"] else 0) - 128
    hdr = [n, h, w, c, kh, kw, oc, sh, sw, dh, dw, pt, pl, pb, pr, g, x_zp - 128, y_zp - 128, act_min, 127, oh, ow,
           flags, 0]
    assert len(hdr) == HEADER_FIELDS
    name = cs["name"].encode("ascii")
    blob = struct.pack("<I", len(name)) + name + struct.pack(f"<{HEADER_FIELDS}i", *hdr)
    blob += (xu.transpose(0, 2, 3, 1).astype(np.int16) - 128).astype("<i1").tobytes()  # NHWC
    blob += wq.transpose(2, 3, 1, 0).astype("<i1").tobytes()                              # HWIO
    blob += bias_q.astype("<i4").tobytes()
    blob += scale.astype("<f4").tobytes()
    blob += (yu.transpose(0, 2, 3, 1) - 128).astype("<i1").tobytes()                      # NHWC
    info = dict(out=f"{n}x{oh}x{ow}x{oc}", bytes=int(yu.size), acc_max=int(np.abs(acc).max()), ties=ties,
                clamped=int(((yu == lo) | (yu == hi)).sum()), wrong=wrong)
    return blob, info


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "ref", "data", "torch_conv.bin")
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    rng = np.random.default_rng(SEED)
    blobs = []
    totals = {}
    print(f"torch {torch.__version__}, engine {torch.backends.quantized.engine}, seed {SEED}")
    for i, cs in enumerate(CASES):
        blob, info = make_case(rng, cs)
        blobs.append(blob)
        for k, v in info["wrong"].items():
            totals[k] = totals.get(k, 0) + v
        print(f"{i:2d} {cs['name']:<58s} out {info['out']:<10s} |acc| <= {info['acc_max']:<9d}"
              f"ties {info['ties']:<4d} clamped {info['clamped']:<4d} wrong-formula bytes {info['wrong']}")
    data = b"ABTCONV1" + struct.pack("<I", len(CASES)) + b"".join(blobs) + b"END!" + struct.pack("<I", len(CASES))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    print(f"{len(CASES)} cases, every output byte reproduced by the int32 bias, the float32 scale and "
          f"round-half-even; wrong formulas would miss {totals} bytes")
    print(f"wrote {os.path.relpath(out)} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
