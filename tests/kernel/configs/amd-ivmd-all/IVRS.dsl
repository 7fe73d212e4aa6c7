/*
IVMD type 0x20 (all devices): one unity range for every device.
Kernel rule: init_unity_map_range() (drivers/iommu/amd/init.c) sets
devid_start 0, devid_end = the segment's last BDF; every group lists it.

QEMU 7.2's IVRS for the x86 device set (x86-devices.inc, taken from the
guest's /sys/firmware/acpi/tables/IVRS; its IVHD 0x10 is kept byte for byte)
with IVMDs appended, OEM revision raised from 1 to 2 so that the kernel's
ACPI table upgrade takes it (see ../README.md). IVMD flags (AMD IOMMU spec
48882 sec. 5.2.2.3): bit 0 unity, 1 IR, 2 IW, 3 exclusion range.
 */
[0004]                          Signature : "IVRS"    [I/O Virtualization Reporting Structure]
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "BOCHS "
[0008]                       Oem Table ID : "BXPC    "
[0004]                       Oem Revision : 00000002
[0004]                    Asl Compiler ID : "BXPC"
[0004]              Asl Compiler Revision : 00000001

[0004]                Virtualization Info : 00002800
[0008]                           Reserved : 0000000000000000

/* IVHD 0x10 exactly as QEMU 7.2 builds it (hw/i386/acpi-build.c
 * build_amd_iommu): IOMMU 00:01.0 at FED80000, one entry per device or
 * bus range, an alias range for the PCIe-to-PCI bridge's bus 6, the IOAPIC. */
[0001]                      Subtable Type : 10 [Hardware Definition Block]
[0001]                              Flags : D1
[0002]                             Length : 0084
[0002]                           DeviceId : 0008

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FED80000
[0002]                  PCI Segment Group : 0000
[0002]                Virtualization Info : 0000
[0004]                  Feature Reporting : 00000044

[0001]                         Entry Type : 02
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0008
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0010
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0018
[0001]                       Data Setting : 00

[0001]                         Entry Type : 03
[0002]                          Device ID : 0100
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 01FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0020
[0001]                       Data Setting : 00

[0001]                         Entry Type : 03
[0002]                          Device ID : 0200
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 02FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0028
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0300
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0400
[0001]                       Data Setting : 00

[0001]                         Entry Type : 03
[0002]                          Device ID : 0500
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 05FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0030
[0001]                       Data Setting : 00

[0001]                         Entry Type : 43
[0002]                          Device ID : 0600
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 0600
[0001]                           Reserved : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 06FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0038
[0001]                       Data Setting : 00

[0001]                         Entry Type : 03
[0002]                          Device ID : 0700
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 07FF
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 0040
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 00F8
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 00FA
[0001]                       Data Setting : 00

[0001]                         Entry Type : 02
[0002]                          Device ID : 00FB
[0001]                       Data Setting : 00

[0001]                         Entry Type : 48
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00
[0001]                             Handle : 00
[0002]              Source Used Device ID : 00A0
[0001]                            Variety : 01

/* IVMD 0x20: all devices, unity, IR and IW. */
[0001]                      Subtable Type : 20 [Memory Definition Block]
[0001]                              Flags : 07
[0002]                             Length : 0020
[0002]                           DeviceId : 0000

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000FED1C000
[0008]                      Memory Length : 0000000000004000

