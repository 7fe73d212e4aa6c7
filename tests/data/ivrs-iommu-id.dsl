/*
 * iommu-resv test fixture: an IVMD that names the IOMMU's own device ID
 * (00:00.2). Linux's get_highest_supported_ivhd_type walks it as an IVHD and
 * picks type 0x21: "AMD-Vi: Unsupported IVHD type 0x21", AMD-Vi stays off.
 * Topology: tests/data/lspci/intel-server.lspci (any PCI functions will
 * do: the IVHD lists every device ID). Regenerate: see README.md.
 */
[0004]                          Signature : "IVRS"    [I/O Virtualization Reporting Structure]
[0004]                       Table Length : 00000000
[0001]                           Revision : 02
[0001]                           Checksum : 00
[0006]                             Oem ID : "RESV  "
[0008]                       Oem Table ID : "IOMMU_ID"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                Virtualization Info : 00203041
[0008]                           Reserved : 0000000000000000

/* IVHD 0x10 (§5.2.2.1) for the IOMMU at 00:00.2: every device (entry 0x01). */
[0001]                      Subtable Type : 10 [Hardware Definition Block]
[0001]                              Flags : B0
[0002]                             Length : 001C
[0002]                           DeviceId : 0002

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FEB80000
[0002]                  PCI Segment Group : 0000
[0002]                Virtualization Info : 0000
[0004]                  Feature Reporting : 80048F6E

[0001]                         Entry Type : 01
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

/* IVMD 0x21 for 00:00.2, the IOMMU itself. */
[0001]                      Subtable Type : 21 [Memory Definition Block]
[0001]                              Flags : 07
[0002]                             Length : 0020
[0002]                           DeviceId : 0002

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 000000001FFE0000
[0008]                      Memory Length : 0000000000001000
