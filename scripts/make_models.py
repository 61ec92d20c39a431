#!/usr/bin/python3
"""Produce the quantized ONNX models Abacus's importer is tested and
benchmarked with, from a real framework (Debian's python3-torch 1.13,
quantized engine qnnpack). A development-time script: its outputs are
committed (models/), the run-time path is C++ only.

  /usr/bin/python3 scripts/make_models.py fashion OUTDIR   the Fashion-MNIST CNN
  /usr/bin/python3 scripts/make_models.py zoo OUTDIR       ResNet-18, MobileNetV2 (random weights, 224x224)
  /usr/bin/python3 scripts/make_models.py ops OUTDIR       a small CNN of the operators the others lack

Needs the Debian packages python3-torch, python3-torchvision, python3-onnx
and dataset-fashion-mnist (`scripts/install-deps.sh models`). Use Debian's
interpreter (/usr/bin/python3): that is where those packages live.

fashion: trains a small CNN (a strided conv, a depthwise conv, a residual
add, max and global average pooling, a fully-connected layer) on the
Fashion-MNIST training set, quantizes it with PyTorch's post-training
static quantization (qnnpack: per-tensor int8 weights, uint8 activations),
exports it to ONNX (opset 13, QuantizeLinear/DequantizeLinear around float
operators) and writes, for the 10,000 test images, PyTorch's own quantized
output (the last layer's uint8 values; its top-1 class is the first
largest value, as PyTorch's argmax of the dequantized logits):

  fashion_cnn.onnx         the model; input "image" float32 [N,1,28,28] in [0,1]
  fashion_ref_u8.npy       uint8 [10000,10]: PyTorch's quantized logits
  fashion_cnn_q.pt         the quantized PyTorch model (TorchScript), for
                           layer-by-layer comparisons; not committed
  fashion_info.txt         accuracy, quantization parameters, seeds

Training is seeded and single-threaded; the figures it prints are in
docs/performance.md.

ops: a small untrained CNN (seeded random weights, calibrated on training
images) with per-channel weight scales, average pooling (with and without
padding), a channel concatenation of tensors with different quantization and a
fully-connected layer, for the operators and forms the Fashion-MNIST
model does not have (PyTorch 1.13 cannot export a quantized ReLU6 or
Hardtanh, so Clip is left to the hand-worked tests); PyTorch's
quantized output for the first 500 test images:

  ops_cnn.onnx             the model; input "image" float32 [N,1,28,28]
  ops_ref_u8.npy           uint8 [500,10]: PyTorch's quantized outputs
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 2049:
        return np.frombuffer(raw, np.uint8, offset=8)
    raise ValueError(f"{name}: unknown idx magic {magic}")


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(1, 16, 3, stride=2, padding=1)        # 28 -> 14, strided
        self.relu1 = nn.ReLU()
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)           # depthwise
        self.relu2 = nn.ReLU()
        self.pw = nn.Conv2d(16, 16, 1)
        self.add = nn.quantized.FloatFunctional()                      # residual
        self.conv3 = nn.Conv2d(16, 32, 3, padding=1)
        self.relu3 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)                                    # 14 -> 7
        self.conv4 = nn.Conv2d(32, 64, 3, stride=2, padding=1)         # 7 -> 4
        self.relu4 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        a = self.relu1(self.conv1(x))
        b = self.pw(self.relu2(self.dw(a)))
        x = self.add.add(a, b)
        x = self.pool(self.relu3(self.conv3(x)))
        x = self.relu4(self.conv4(x))
        x = torch.flatten(self.gap(x), 1)
        return self.dequant(self.fc(x))


class OpsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(1, 12, 3, padding=1)                   # 28x28
        self.relu1 = nn.ReLU()
        self.avg1 = nn.AvgPool2d(2)                                    # 28 -> 14, no padding
        self.conv2 = nn.Conv2d(12, 20, 3, stride=2, padding=1)          # 14 -> 7
        self.relu2 = nn.ReLU()
        self.avg2 = nn.AvgPool2d(3, stride=2, padding=1)               # 14 -> 7, padding counted
        self.cat = nn.quantized.FloatFunctional()                      # 12 + 20 channels
        self.conv3 = nn.Conv2d(32, 24, 3, padding=1)
        self.relu3 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(24, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        a = self.avg1(self.relu1(self.conv1(x)))
        b = self.relu2(self.conv2(a))
        c = self.cat.cat([self.avg2(a), b], dim=1)
        x = self.relu3(self.conv3(c))
        x = torch.flatten(self.gap(x), 1)
        return self.dequant(self.fc(x))


def round_biases(path, model):
    """PyTorch 1.13's exporter writes each quantized conv's and linear's
    int32 bias as Cast(bias / (input scale * weight scale)), and ONNX's Cast
    truncates toward zero; PyTorch's own engine rounds to nearest
    (at::quantize_per_tensor: nearbyint(bias * (1 / scale))). Rewrite the
    constants to the values PyTorch computes with, so the file means what
    the quantized model does."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    producers = {o: n for n in m.graph.node for o in n.output}
    fixed = 0
    for node in m.graph.node:
        if node.op_type not in ("Conv", "Gemm") or len(node.input) < 3:
            continue
        # "/features/1/conv/0/0/Conv" is the module features.1.conv.0.0
        mod = model.get_submodule(".".join(node.name.split("/")[1:-1]))
        w, b = mod._weight_bias()
        if b is None:
            continue
        x_dq = producers[node.input[0]]
        x_scale = float(numpy_helper.to_array(producers[x_dq.input[1]].attribute[0].t))
        if w.qscheme() == torch.per_tensor_affine:
            w_scales = np.full(b.shape[0], w.q_scale(), np.float64)
        else:
            w_scales = w.q_per_channel_scales().double().numpy()
        scale = (w_scales * x_scale).astype(np.float32)
        inv = (np.float32(1.0) / scale).astype(np.float32)
        q = np.rint(b.detach().numpy().astype(np.float32) * inv).astype(np.int32)
        const = producers[producers[node.input[2]].input[0]]
        old = numpy_helper.to_array(const.attribute[0].t)
        assert old.shape == q.shape and old.dtype == np.int32, node.name
        fixed += int((old != q).sum())
        const.attribute[0].t.CopyFrom(numpy_helper.from_array(q, const.attribute[0].t.name))
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return fixed


def fashion(out):
    torch.manual_seed(1)
    np.random.seed(1)
    torch.set_num_threads(1)
    xtr = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    ytr = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = torch.from_numpy(read_idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    yte = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))

    model = FashionCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(4):
        perm = torch.randperm(len(xtr))
        model.train()
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        print(f"epoch {epoch}: float test accuracy {acc:.4f}", flush=True)
    float_acc = acc

    torch.backends.quantized.engine = "qnnpack"
    model.eval()
    tq.fuse_modules(model, [["conv1", "relu1"], ["dw", "relu2"], ["conv3", "relu3"], ["conv4", "relu4"]], inplace=True)
    model.qconfig = tq.get_default_qconfig("qnnpack")
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        for i in range(0, 2000, 200):  # calibration: the first 2000 training images
            model(xtr[i:i + 200])
    tq.convert(model, inplace=True)

    # PyTorch's own quantized result: the fc layer's quantized output
    # (before the DeQuantStub), uint8, for every test image
    logits_q = []
    with torch.no_grad():
        def hook(_m, _inp, outp):
            logits_q.append(outp.int_repr().numpy().copy())
        h = model.fc.register_forward_hook(hook)
        deq = model(xte)
        h.remove()
    ref_u8 = np.concatenate(logits_q).astype(np.uint8)
    top1 = deq.argmax(1).numpy().astype(np.int64)
    q_acc = float((top1 == yte.numpy()).mean())
    print(f"quantized (qnnpack) test accuracy {q_acc:.4f}", flush=True)

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "fashion_cnn.onnx")
    torch.onnx.export(model, xte[:1], path, opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    fixed = round_biases(path, model)
    print(f"{fixed} bias values rounded instead of truncated", flush=True)
    np.save(os.path.join(out, "fashion_ref_u8.npy"), ref_u8)
    # the quantized model itself, for layer-by-layer comparisons (not committed)
    torch.jit.save(torch.jit.trace(model, xte[:2]), os.path.join(out, "fashion_cnn_q.pt"))
    with open(os.path.join(out, "fashion_info.txt"), "w") as f:
        f.write(f"torch {torch.__version__}, engine qnnpack, seed 1, 4 epochs Adam lr 2e-3 batch 128\n")
        f.write(f"float test accuracy {float_acc:.4f}\n")
        f.write(f"quantized test accuracy {q_acc:.4f} (10000 images)\n")
        f.write(f"fc output scale {model.fc.scale} zero point {model.fc.zero_point}\n")
        f.write(f"{fixed} int32 bias values rounded (PyTorch's exporter truncates them)\n")
    print("wrote", path)


def zoo(out):
    """torchvision's quantizable ResNet-18 and MobileNetV2 at 224x224 with
    random weights (seeded), calibrated on random images, quantized with
    qnnpack and exported like the Fashion-MNIST model; plus PyTorch's
    quantized outputs for eight random inputs (the benchmark's reference:
    abacus bench --networks runs them at batch 1 and 8)."""
    import torchvision.models.quantization as qm
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    for name, ctor in (("resnet18", qm.resnet18), ("mobilenet_v2", qm.mobilenet_v2)):
        torch.manual_seed(2)
        model = ctor(weights=None, quantize=False)
        # batch-norm statistics from random images (in training mode), so
        # the random network's activations neither vanish nor explode
        model.train()
        with torch.no_grad():
            for _ in range(4):
                model(torch.rand(8, 3, 224, 224))
        model.eval()
        model.fuse_model()
        model.qconfig = tq.get_default_qconfig("qnnpack")
        tq.prepare(model, inplace=True)
        with torch.no_grad():
            for _ in range(4):
                model(torch.rand(2, 3, 224, 224))
        tq.convert(model, inplace=True)
        x = torch.rand(8, 3, 224, 224)
        with torch.no_grad():
            ref = model(x)
        path = os.path.join(out, f"{name}.onnx")
        torch.onnx.export(model, x[:1], path, opset_version=13, input_names=["image"], output_names=["logits"],
                          dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
        fixed = round_biases(path, model)
        print(f"{name}: {fixed} bias values rounded instead of truncated", flush=True)
        np.save(os.path.join(out, f"{name}_input.npy"), x.numpy())
        np.save(os.path.join(out, f"{name}_ref.npy"), ref.numpy())
        print("wrote", path, flush=True)


def ops(out):
    torch.manual_seed(3)
    torch.set_num_threads(1)
    torch.backends.quantized.engine = "qnnpack"
    xtr = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz")[:1000].astype(np.float32) / 255.0).unsqueeze(1)
    xte = torch.from_numpy(read_idx("t10k-images-idx3-ubyte.gz")[:500].astype(np.float32) / 255.0).unsqueeze(1)
    model = OpsCnn().eval()
    tq.fuse_modules(model, [["conv1", "relu1"], ["conv2", "relu2"], ["conv3", "relu3"]], inplace=True)
    # per-channel symmetric int8 weights (qnnpack runs them), uint8 activations
    model.qconfig = tq.QConfig(activation=tq.HistogramObserver.with_args(reduce_range=False),
                               weight=tq.default_per_channel_weight_observer)
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        for i in range(0, 1000, 200):
            model(xtr[i:i + 200])
    tq.convert(model, inplace=True)
    logits_q = []
    with torch.no_grad():
        h = model.fc.register_forward_hook(lambda _m, _i, o: logits_q.append(o.int_repr().numpy().copy()))
        model(xte)
        h.remove()
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "ops_cnn.onnx")
    torch.onnx.export(model, xte[:1], path, opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    fixed = round_biases(path, model)
    print(f"{fixed} bias values rounded instead of truncated", flush=True)
    np.save(os.path.join(out, "ops_ref_u8.npy"), np.concatenate(logits_q).astype(np.uint8))
    print("wrote", path, flush=True)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("fashion", "zoo", "ops"):
        sys.exit(__doc__)
    {"fashion": fashion, "zoo": zoo, "ops": ops}[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
