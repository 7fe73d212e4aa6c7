/*
 * iommu-resv test fixture: a DMAR with every subtable iasl 20200925 can
 * compile (VT-d spec rev 4.1 ch. 8) and every device scope type (§8.3.1).
 * RMRR #1 puts a USB controller (00:14.0, class 0x0c03, relaxable by the
 * kernel's device_rmrr_is_relaxable) and non-relaxable endpoints, one
 * behind the bridge 00:1c.0, plus that bridge's subordinate bridge, into
 * one RMRR. Whether a device is relaxable is decided by its class in
 * config space, not by this table.
 * Regenerate: see README.md.
 */
[0004]                          Signature : "DMAR"    [DMA Remapping table]
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "RESV  "
[0008]                       Oem Table ID : "FIXTURE "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0001]                 Host Address Width : 26
[0001]                              Flags : 05
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

/* DRHD #0 (§8.3): not INCLUDE_PCI_ALL, an endpoint and a bridge. */
[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0020

[0001]                              Flags : 00
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED90000

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 02,00

[0001]                  Device Scope Type : 02 [PCI Bridge Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1C,00

/* DRHD #1: INCLUDE_PCI_ALL, with the IOAPIC, HPET and ACPI namespace
 * device it remaps (§8.3.1 types 3, 4, 5). */
[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0028

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED91000

[0001]                  Device Scope Type : 03 [IOAPIC Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 02
[0001]                     PCI Bus Number : F0

[0002]                           PCI Path : 1F,00

[0001]                  Device Scope Type : 04 [Message-capable HPET Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1F,00

[0001]                  Device Scope Type : 05 [Namespace Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 01
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1E,03

/* RMRR #0 (§8.4): graphics stolen memory for the IGD. */
[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0020

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 000000007B800000
[0008]                End Address (limit) : 000000007FFFFFFF

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 02,00

/* RMRR #1: USB (relaxable) and non-relaxable devices in one region;
 * 00:1c.0 -> 00.0 is a two-element path (§8.3.1.1), 00:1c.0 -> 00.0 ->
 * 01.0 a three-element bridge path. */
[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 003E

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 000000006CA8D000
[0008]                End Address (limit) : 000000006CCD6FFF

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 14,00

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1F,06

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 0A
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1C,00
[0002]                           PCI Path : 00,00

[0001]                  Device Scope Type : 02 [PCI Bridge Device]
[0001]                       Entry Length : 0C
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1C,00
[0002]                           PCI Path : 00,00
[0002]                           PCI Path : 01,00

/* ATSR #0 (§8.5): two root ports; ATSR #1: ALL_PORTS on segment 1. */
[0002]                      Subtable Type : 0002 [Root Port ATS Capability]
[0002]                             Length : 0018

[0001]                              Flags : 00
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000

[0001]                  Device Scope Type : 02 [PCI Bridge Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1C,00

[0001]                  Device Scope Type : 02 [PCI Bridge Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00

[0002]                           PCI Path : 1D,00

[0002]                      Subtable Type : 0002 [Root Port ATS Capability]
[0002]                             Length : 0008

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0001

/* RHSA (§8.6): DRHD #1's proximity domain. */
[0002]                      Subtable Type : 0003 [Remapping Hardware Static Affinity]
[0002]                             Length : 0014

[0004]                           Reserved : 00000000
[0008]                       Base Address : 00000000FED91000
[0004]                   Proximity Domain : 00000001

/* ANDD (§8.7): the namespace device of DRHD #1's type 5 scope. */
[0002]                      Subtable Type : 0004 [ACPI Namespace Device Declaration]
[0002]                             Length : 0017

[0003]                           Reserved : 000000
[0001]                 Device Number : 01
[0000]                        Device Name : "\_SB.PCI0.UAR1"
