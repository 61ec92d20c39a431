// Abacus RTL file list, in compile order. The one list read by CMake
// (Verilator), make lint (Verilator and Yosys), and the FPGA flows.
// Lines: +incdir+DIR, or a source file; paths are relative to rtl/.
+incdir+common
abacus_pkg.sv
isa/abacus_isa_pkg.sv
common/abacus_delay.sv
common/abacus_delay_rst.sv
common/abacus_fifo.sv
common/abacus_sram_sdp.sv
common/abacus_axi_hold_check.sv
mem/abacus_spad.sv
mem/abacus_buffers.sv
core/abacus_pe.sv
core/abacus_array.sv
core/abacus_acc.sv
core/abacus_requant.sv
core/abacus_postproc.sv
core/abacus_core.sv
dma/abacus_dma_split.sv
dma/abacus_dma_rd.sv
dma/abacus_dma_wr.sv
dma/abacus_dma.sv
ctrl/abacus_csr.sv
ctrl/abacus_run_ctrl.sv
ctrl/abacus_tokens.sv
ctrl/abacus_perf.sv
ctrl/abacus_fetch.sv
ctrl/abacus_axi_rd_arb.sv
engines/abacus_load_engine.sv
engines/abacus_store_engine.sv
engines/abacus_compute_engine.sv
engines/abacus_load_path.sv
engines/abacus_compute_path.sv
engines/abacus_store_path.sv
top/abacus_top.sv
