# DDR3 SODIMM (MT8JTF12864HZ-1G6, 1 GiB, DDR3-1600) through the 7-series
# memory interface generator with an AXI4 slave. The MIG takes its whole
# configuration from a .prj file; this script writes it (nothing checked in
# but this script), so every setting the rest of the design depends on is
# stated here:
#   - AXI4 slave, 512-bit data (the PHY's native width at 4:1 and 64 DQ),
#     30-bit address (1 GiB), 8-bit ID: axi_ic_0's M00 carries
#     THREAD_ID_WIDTH (4) + 4 master-ID bits, and a narrower ID would route
#     responses to the wrong master (abacus_pcie_shell, docs/fpga.md);
#   - narrow bursts supported (the interconnect's upsizer passes
#     non-modifiable narrow transfers through unchanged);
#   - 200 MHz differential system clock on E19/E18 (SYSCLK, bank 38), also
#     the IDELAY reference; 800 MHz memory clock, 200 MHz ui_clk;
#   - one extra user clock, ui_addn_clk_0, for Abacus: the MIG's 800 MHz
#     MMCM VCO divided down to CORE_MHZ (abacus_core_mhz, from build.tcl);
#   - sys_rst active high (the CPU_RESET button drives it directly);
#   - XADC enabled (the MIG's temperature compensation; device_temp out);
#   - VccAuxIO 1.8 V (pins VCCAUX_IO NORMAL), as the board file's own mig.prj
#     (vc707 1.4) states the board's rail.
# Pins: the VC707's DDR3 SODIMM interface (UG885, "DDR3 SODIMM Memory"),
# the same placement the board part's ddr3_sdram interface uses.
set mig_pins {
  ddr3_addr[0] A20 ddr3_addr[1] B19 ddr3_addr[2] C20 ddr3_addr[3] A19 ddr3_addr[4] A17
  ddr3_addr[5] A16 ddr3_addr[6] D20 ddr3_addr[7] C18 ddr3_addr[8] D17 ddr3_addr[9] C19
  ddr3_addr[10] B21 ddr3_addr[11] B17 ddr3_addr[12] A15 ddr3_addr[13] A21
  ddr3_ba[0] D21 ddr3_ba[1] C21 ddr3_ba[2] D18
  ddr3_cas_n K17 ddr3_ras_n E20 ddr3_we_n F20 ddr3_cke[0] K19 ddr3_cs_n[0] J17 ddr3_odt[0] H20
  ddr3_dm[0] M13 ddr3_dm[1] K15 ddr3_dm[2] F12 ddr3_dm[3] A14
  ddr3_dm[4] C23 ddr3_dm[5] D25 ddr3_dm[6] C31 ddr3_dm[7] F31
}
set mig_diff_pins {
  ddr3_ck_p[0] H19 ddr3_ck_n[0] G18
  ddr3_dqs_p[0] N16 ddr3_dqs_p[1] K12 ddr3_dqs_p[2] H16 ddr3_dqs_p[3] C15
  ddr3_dqs_p[4] A26 ddr3_dqs_p[5] F25 ddr3_dqs_p[6] B28 ddr3_dqs_p[7] E27
  ddr3_dqs_n[0] M16 ddr3_dqs_n[1] J12 ddr3_dqs_n[2] G16 ddr3_dqs_n[3] C14
  ddr3_dqs_n[4] A27 ddr3_dqs_n[5] E25 ddr3_dqs_n[6] B29 ddr3_dqs_n[7] E28
}
# DQ[0..63], byte lane by byte lane
set mig_dq {
  N14 N13 L14 M14 M12 N15 M11 L12   K14 K13 H13 J13 L16 L15 H14 J15
  E15 E13 F15 E14 G13 G12 F14 G14   B14 C13 B16 D15 D13 E12 C16 D16
  A24 B23 B27 B26 A22 B22 A25 C24   E24 D23 D26 C25 E23 D22 F22 E22
  A30 D27 A29 C28 D28 B31 A31 A32   E30 F29 F30 F27 C30 E29 F26 D30
}

proc mig_pin {name pad iostd} {
  return "      <Pin IN_TERM=\"\" IOSTANDARD=\"$iostd\" PADName=\"$pad\" SLEW=\"FAST\" VCCAUX_IO=\"NORMAL\" name=\"$name\"/>\n"
}
set pins ""
foreach {name pad} $mig_pins { append pins [mig_pin $name $pad SSTL15] }
foreach {name pad} $mig_diff_pins {
  append pins [mig_pin $name $pad [expr {[string match ddr3_ck* $name] ? "DIFF_SSTL15" : "DIFF_SSTL15_T_DCI"}]]
}
set i 0
foreach pad $mig_dq { append pins [mig_pin "ddr3_dq\[$i\]" $pad SSTL15_T_DCI]; incr i }
append pins [mig_pin ddr3_reset_n C29 LVCMOS15]

# ui_addn_clk_0 = 800 MHz VCO / divide; the MMCM's CLKOUT0 divides in steps of 1/8
set mig_div [expr {800.0 / $abacus_core_mhz}]
if {$mig_div < 2.0 || $mig_div > 128.0 || abs($mig_div * 8 - round($mig_div * 8)) > 1e-6} {
  error "mig.tcl: CORE_MHZ $abacus_core_mhz is not 800 MHz divided by a multiple of 1/8 between 2 and 128 (e.g. 100, 80, 160)"
}
set mig_clkout0 [format " %.3f" $mig_div]

set mig_prj [string map [list @PINS@ $pins @CLKOUT0@ $mig_clkout0] {<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<Project NoOfControllers="1">
  <ModuleName>mig_7series_0</ModuleName>
  <dci_inouts_inputs>1</dci_inouts_inputs>
  <dci_inputs>1</dci_inputs>
  <Debug_En>OFF</Debug_En>
  <DataDepth_En>1024</DataDepth_En>
  <LowPower_En>ON</LowPower_En>
  <XADC_En>Enabled</XADC_En>
  <TargetFPGA>xc7vx485t-ffg1761/-2</TargetFPGA>
  <Version>4.2</Version>
  <SystemClock>Differential</SystemClock>
  <ReferenceClock>Use System Clock</ReferenceClock>
  <SysResetPolarity>ACTIVE HIGH</SysResetPolarity>
  <BankSelectionFlag>FALSE</BankSelectionFlag>
  <InternalVref>0</InternalVref>
  <dci_hr_inouts_inputs>50 Ohms</dci_hr_inouts_inputs>
  <dci_cascade>0</dci_cascade>
  <Controller number="0">
    <MemoryDevice>DDR3_SDRAM/SODIMMs/MT8JTF12864HZ-1G6</MemoryDevice>
    <TimePeriod>1250</TimePeriod>
    <VccAuxIO>1.8V</VccAuxIO>
    <PHYRatio>4:1</PHYRatio>
    <InputClkFreq>200</InputClkFreq>
    <UIExtraClocks>1</UIExtraClocks>
    <MMCM_VCO>800</MMCM_VCO>
    <MMCMClkOut0>@CLKOUT0@</MMCMClkOut0>
    <MMCMClkOut1>1</MMCMClkOut1>
    <MMCMClkOut2>1</MMCMClkOut2>
    <MMCMClkOut3>1</MMCMClkOut3>
    <MMCMClkOut4>1</MMCMClkOut4>
    <DataWidth>64</DataWidth>
    <DeepMemory>1</DeepMemory>
    <DataMask>1</DataMask>
    <ECC>Disabled</ECC>
    <Ordering>Normal</Ordering>
    <BankMachineCnt>4</BankMachineCnt>
    <CustomPart>FALSE</CustomPart>
    <NewPartName></NewPartName>
    <RowAddress>14</RowAddress>
    <ColAddress>10</ColAddress>
    <BankAddress>3</BankAddress>
    <MemoryVoltage>1.5V</MemoryVoltage>
    <C0_MEM_SIZE>1073741824</C0_MEM_SIZE>
    <UserMemoryAddressMap>BANK_ROW_COLUMN</UserMemoryAddressMap>
    <PinSelection>
@PINS@    </PinSelection>
    <System_Clock>
      <Pin Bank="38" PADName="E19/E18(CC_P/N)" name="sys_clk_p/n"/>
    </System_Clock>
    <System_Control>
      <Pin Bank="Select Bank" PADName="No connect" name="sys_rst"/>
      <Pin Bank="Select Bank" PADName="No connect" name="init_calib_complete"/>
      <Pin Bank="Select Bank" PADName="No connect" name="tg_compare_error"/>
    </System_Control>
    <TimingParameters>
      <Parameters tcke="5" tfaw="30" tras="35" trcd="13.75" trefi="7.8" trfc="110" trp="13.75" trrd="6" trtp="7.5" twtr="7.5"/>
    </TimingParameters>
    <mrBurstLength name="Burst Length">8 - Fixed</mrBurstLength>
    <mrBurstType name="Read Burst Type and Length">Sequential</mrBurstType>
    <mrCasLatency name="CAS Latency">11</mrCasLatency>
    <mrMode name="Mode">Normal</mrMode>
    <mrDllReset name="DLL Reset">No</mrDllReset>
    <mrPdMode name="DLL control for precharge PD">Slow Exit</mrPdMode>
    <emrDllEnable name="DLL Enable">Enable</emrDllEnable>
    <emrOutputDriveStrength name="Output Driver Impedance Control">RZQ/7</emrOutputDriveStrength>
    <emrMirrorSelection name="Address Mirroring">Disable</emrMirrorSelection>
    <emrCSSelection name="Controller Chip Select Pin">Enable</emrCSSelection>
    <emrRTT name="RTT (nominal) - On Die Termination (ODT)">RZQ/4</emrRTT>
    <emrPosted name="Additive Latency (AL)">0</emrPosted>
    <emrOCD name="Write Leveling Enable">Disabled</emrOCD>
    <emrDQS name="TDQS enable">Enabled</emrDQS>
    <emrRDQS name="Qoff">Output Buffer Enabled</emrRDQS>
    <mr2PartialArraySelfRefresh name="Partial-Array Self Refresh">Full Array</mr2PartialArraySelfRefresh>
    <mr2CasWriteLatency name="CAS write latency">8</mr2CasWriteLatency>
    <mr2AutoSelfRefresh name="Auto Self Refresh">Enabled</mr2AutoSelfRefresh>
    <mr2SelfRefreshTempRange name="High Temparature Self Refresh Rate">Normal</mr2SelfRefreshTempRange>
    <mr2RTTWR name="RTT_WR - Dynamic On Die Termination (ODT)">Dynamic ODT off</mr2RTTWR>
    <PortInterface>AXI</PortInterface>
    <AXIParameters>
      <C0_C_RD_WR_ARB_ALGORITHM>RD_PRI_REG</C0_C_RD_WR_ARB_ALGORITHM>
      <C0_S_AXI_ADDR_WIDTH>30</C0_S_AXI_ADDR_WIDTH>
      <C0_S_AXI_DATA_WIDTH>512</C0_S_AXI_DATA_WIDTH>
      <C0_S_AXI_ID_WIDTH>8</C0_S_AXI_ID_WIDTH>
      <C0_S_AXI_SUPPORTS_NARROW_BURST>1</C0_S_AXI_SUPPORTS_NARROW_BURST>
    </AXIParameters>
  </Controller>
</Project>
}]

# The MIG reads its .prj from its own IP directory, by file name.
create_ip -name mig_7series -vendor xilinx.com -library ip -module_name mig_7series_0 -dir ip
set mig_dir [get_property IP_DIR [get_ips mig_7series_0]]
file mkdir $mig_dir
set f [open [file join $mig_dir mig_abacus.prj] w]
puts -nonewline $f $mig_prj
close $f
set_property -dict [list \
  CONFIG.XML_INPUT_FILE        {mig_abacus.prj} \
  CONFIG.RESET_BOARD_INTERFACE {Custom} \
  CONFIG.MIG_DONT_TOUCH_PARAM  {Custom} \
  CONFIG.BOARD_MIG_PARAM       {Custom} \
] [get_ips mig_7series_0]
