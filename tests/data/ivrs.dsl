/*
 * iommu-resv test fixture: an IVRS (AMD IOMMU spec 48882 rev 3.x §5.2)
 * with IVHD types 0x10 and 0x11, every device entry kind of §5.2.2.2 that
 * iasl 20200925 compiles, and the three IVMD types of §5.2.2.3.
 * Regenerate: see README.md.
 */
[0004]                          Signature : "IVRS"    [I/O Virtualization Reporting Structure]
[0004]                       Table Length : 00000000
[0001]                           Revision : 02
[0001]                           Checksum : 00
[0006]                             Oem ID : "RESV  "
[0008]                       Oem Table ID : "FIXTURE "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                Virtualization Info : 00203041
[0008]                           Reserved : 0000000000000000

/* IVHD 0x10 (§5.2.2.1): entries 0x00..0x04, 0x42, 0x43, 0x46, 0x47, 0x48. */
[0001]                      Subtable Type : 10 [Hardware Definition Block]
[0001]                              Flags : B0
[0002]                             Length : 0064
[0002]                           DeviceId : 0002

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FEB80000
[0002]                  PCI Segment Group : 0000
[0002]                Virtualization Info : 0000
[0004]                  Feature Reporting : 80048F6E

/* Select 0x02: the IOMMU itself. */
[0001]                         Entry Type : 02
[0002]                          Device ID : 0002
[0001]                       Data Setting : 00

/* Padding 0x00. */
[0001]                         Entry Type : 00
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

/* All 0x01: every device gets the DTE setting. */
[0001]                         Entry Type : 01
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

/* Range start 0x03 and end 0x04: 00:01.0 .. 00:01.7. */
[0001]                         Entry Type : 03
[0002]                          Device ID : 0008
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 000F
[0001]                       Data Setting : 00

/* Alias select 0x42: 01:00.0 issues requests as 00:14.4. */
[0001]                         Entry Type : 42
[0002]                          Device ID : 0100
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 00A4
[0001]                           Reserved : 00

/* Alias range 0x43 .. 0x04: bus 2 behind a PCIe-to-PCI bridge 00:14.5. */
[0001]                         Entry Type : 43
[0002]                          Device ID : 0200
[0001]                       Data Setting : 00
[0001]                           Reserved : 00
[0002]              Source Used Device ID : 00A5
[0001]                           Reserved : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : 02FF
[0001]                       Data Setting : 00

/* Extended select 0x46: ATS allowed (extended data bit 31). */
[0001]                         Entry Type : 46
[0002]                          Device ID : 0300
[0001]                       Data Setting : 00
[0004]                      Extended Data : 80000000

/* Extended range 0x47 .. 0x04. */
[0001]                         Entry Type : 47
[0002]                          Device ID : 0400
[0001]                       Data Setting : 00
[0004]                      Extended Data : 80000000

[0001]                         Entry Type : 04
[0002]                          Device ID : 04FF
[0001]                       Data Setting : 00

/* Special 0x48: IOAPIC id 0x21 (variety 1) and HPET 0 (variety 2),
 * both behind 00:14.0. */
[0001]                         Entry Type : 48
[0002]                          Device ID : 0000
[0001]                       Data Setting : D7
[0001]                             Handle : 21
[0002]              Source Used Device ID : 00A0
[0001]                            Variety : 01

[0001]                         Entry Type : 48
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00
[0001]                             Handle : 00
[0002]              Source Used Device ID : 00A0
[0001]                            Variety : 02

/* IVHD 0x11 (§5.2.2.1, rev 2 layout): EFR image, segment 1. */
[0001]                      Subtable Type : 11 [Hardware Definition Block]
[0001]                              Flags : 30
[0002]                             Length : 0030
[0002]                           DeviceId : 0002

[0002]                  Capability Offset : 0040
[0008]                       Base Address : 00000000FD200000
[0002]                  PCI Segment Group : 0001
[0002]                Virtualization Info : 0000
[0004]                         Attributes : 00040200
[0008]                          EFR Image : 246577EFA2254AFA
[0008]                           Reserved : 0000000000000000

[0001]                         Entry Type : 03
[0002]                          Device ID : 0000
[0001]                       Data Setting : 00

[0001]                         Entry Type : 04
[0002]                          Device ID : FFFF
[0001]                       Data Setting : 00

/* IVMD 0x20 (§5.2.2.3): all devices, unity mapped, IR and IW. */
[0001]                      Subtable Type : 20 [Memory Definition Block]
[0001]                              Flags : 07
[0002]                             Length : 0020
[0002]                           DeviceId : 0000

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 000000009D000000
[0008]                      Memory Length : 0000000000100000

/* IVMD 0x21: one device (00:14.0), an exclusion range. */
[0001]                      Subtable Type : 21 [Memory Definition Block]
[0001]                              Flags : 08
[0002]                             Length : 0020
[0002]                           DeviceId : 00A0

[0002]                     Auxiliary Data : 0000
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000AB000000
[0008]                      Memory Length : 0000000000010000

/* IVMD 0x22: devices 03:00.0 .. 03:1f.7, unity mapped, IR only. */
[0001]                      Subtable Type : 22 [Memory Definition Block]
[0001]                              Flags : 03
[0002]                             Length : 0020
[0002]                           DeviceId : 0300

[0002]                     Auxiliary Data : 03FF
[0008]                           Reserved : 0000000000000000
[0008]                      Start Address : 00000000C0000000
[0008]                      Memory Length : 0000000000200000
