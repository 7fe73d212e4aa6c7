/*
IVRS alias entries as DMA aliases: QEMU 7.2's IVRS for the x86 device set
(x86-devices.inc; its IVHD 0x10 as in amd-ivmd-alias/IVRS.dsl, byte for
byte but for two entries and the IVHD length, 0x84 + 2 x 4) with
- the select entry of 00:02.0 (VGA, devid 0x0010) made an alias select
  (0x42) sourced from 00:08.0 (qemu-xhci, 0x0040): both on bus 0;
- the range start of bus 2 (0x0200) made an alias range start (0x43)
  sourced from 01:00.0 (0x0100): another bus.
Kernel rule: setup_aliases() (drivers/iommu/amd/iommu.c) makes the IVRS
alias a PCI DMA alias (pci_add_dma_alias) only when it is on the device's
own bus, so pci_device_group()'s get_pci_alias_group puts 00:02.0 and
00:08.0 in one group, and 02:00.0 keeps its own.
OEM revision 2, so that the kernel's ACPI table upgrade takes it.
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
[0002]                             Length : 008C
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

/* Changed: 00:02.0 (VGA) as an alias select (0x42) of 00:08.0 (xhci). */
[0001]                         Entry Type : 42
[0002]                          Device ID : 0010
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 0040
[0001]                           Reserved : 00

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

/* Changed: bus 2 (the nvme 02:00.0) as an alias range (0x43) of 01:00.0. */
[0001]                         Entry Type : 43
[0002]                          Device ID : 0200
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 0100
[0001]                           Reserved : 00

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
