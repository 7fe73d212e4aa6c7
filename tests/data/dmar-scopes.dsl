/*
 * iommu-resv test fixture: DMAR device scopes as Linux matches them (dmar.c
 * dmar_match_pci_path): paths from a root bus only, and the one-element
 * workaround for a scope that names a device by its own bus.
 * Topology: tests/data/lspci/intel-server.lspci (00:03.0 root port to bus
 * 04, 04:00.0 switch upstream port to 05, 05:01.0 downstream port to 06,
 * 06:00.0/06:00.1 NIC functions). Regenerate: see README.md.
 */
[0004]                          Signature : "DMAR"    [DMA Remapping table]
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "RESV  "
[0008]                       Oem Table ID : "SCOPES  "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0001]                 Host Address Width : 26
[0001]                              Flags : 01
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

/* DRHD (§8.3): INCLUDE_PCI_ALL, no scopes. */
[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0010

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED90000

/* RMRR #0: 06:00.1 named by its own bus 06, one element: the kernel's
 * workaround matches it ("RMRR entry for device 06:00.1 is broken"). */
[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0020

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 000000007F000000
[0008]                End Address (limit) : 000000007F0FFFFF

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 06

[0002]                           PCI Path : 00,01

/* RMRR #1: from bus 04 (not a root bus) through 04:00.0 to 05:01.0:
 * the kernel matches nothing. */
[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0022

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 000000007E000000
[0008]                End Address (limit) : 000000007E0FFFFF

[0001]                  Device Scope Type : 02 [PCI Bridge Device]
[0001]                       Entry Length : 0A
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 04

[0002]                           PCI Path : 00,00

[0002]                           PCI Path : 01,00
