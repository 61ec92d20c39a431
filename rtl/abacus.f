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
mem/abacus_spad.sv
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
top/abacus_csr.sv
top/abacus_fetch.sv
top/abacus_load_engine.sv
top/abacus_store_engine.sv
top/abacus_compute_engine.sv
top/abacus_axi_rd_arb.sv
top/abacus_top.sv
