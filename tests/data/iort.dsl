/*
 * iommu-resv test fixture: an IORT (Arm DEN0049) with every node type
 * iasl 20200925 compiles: ITS group, named component, root complex,
 * SMMUv1/v2, SMMUv3 and PMCG, each device node with ID mappings. The
 * root complex maps its first 256 RIDs to the SMMUv3 and the next 256 to
 * the SMMUv2; both SMMUs, the named component and the PMCG map to the ITS
 * group. Node offsets (for Output Reference): ITS 0x34, named component
 * 0x50, root complex 0x8C, SMMUv2 0xD8, SMMUv3 0x138, PMCG 0x190.
 * Regenerate: see README.md.
 */
[0004]                          Signature : "IORT"    [IO Remapping Table]
[0004]                       Table Length : 00000000
[0001]                           Revision : 00
[0001]                           Checksum : 00
[0006]                             Oem ID : "RESV  "
[0008]                       Oem Table ID : "FIXTURE "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                         Node Count : 00000006
[0004]                        Node Offset : 00000034
[0004]                           Reserved : 00000000
[0004]                   Optional Padding : 00 00 00 00

/* ITS group (§3.1.1.1) at 0x34: two ITSes. */
[0001]                               Type : 00
[0002]                             Length : 001C
[0001]                           Revision : 00
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000000
[0004]                     Mapping Offset : 00000000

[0004]                           ItsCount : 00000002
[0004]                        Identifiers : 00000000
[0004]                        Identifiers : 00000001

/* Named component (§3.1.1.3) at 0x50: a DMA master with one device ID. */
[0001]                               Type : 01
[0002]                             Length : 003C
[0001]                           Revision : 00
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000028

[0004]                         Node Flags : 00000000
[0008]                  Memory Properties : [IORT Memory Access Properties]
[0004]                    Cache Coherency : 00000001
[0001]              Hints (decoded below) : 00
                                Transient : 0
                           Write Allocate : 0
                            Read Allocate : 0
                                 Override : 0
[0002]                           Reserved : 0000
[0001]       Memory Flags (decoded below) : 00
                                Coherency : 0
                         Device Attribute : 0
[0001]                  Memory Size Limit : 30
[0010]                        Device Name : "\_SB.ETH0"
[0001]                            Padding : 00

[0004]                         Input base : 00000000
[0004]                           ID Count : 00000000
[0004]                        Output Base : 00010000
[0004]                   Output Reference : 00000034
[0004]              Flags (decoded below) : 00000001
                           Single Mapping : 1

/* Root complex (§3.1.1.5) at 0x8C, segment 0, two RID ranges. */
[0001]                               Type : 02
[0002]                             Length : 004C
[0001]                           Revision : 00
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000002
[0004]                     Mapping Offset : 00000024

[0008]                  Memory Properties : [IORT Memory Access Properties]
[0004]                    Cache Coherency : 00000001
[0001]              Hints (decoded below) : 00
                                Transient : 0
                           Write Allocate : 0
                            Read Allocate : 0
                                 Override : 0
[0002]                           Reserved : 0000
[0001]       Memory Flags (decoded below) : 03
                                Coherency : 1
                         Device Attribute : 1
[0004]                      ATS Attribute : 00000001
[0004]                 PCI Segment Number : 00000000
[0001]                  Memory Size Limit : 30
[0003]                           Reserved : 000000

[0004]                         Input base : 00000000
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00000000
[0004]                   Output Reference : 00000138
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

[0004]                         Input base : 00000100
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00000100
[0004]                   Output Reference : 000000D8
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

/* SMMUv1/v2 (§3.1.1.6) at 0xD8: MMU-500 (model 3), DVM. */
[0001]                               Type : 03
[0002]                             Length : 0060
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 0000004C

[0008]                       Base Address : 000000002B400000
[0008]                               Span : 0000000000010000
[0004]                              Model : 00000003
[0004]              Flags (decoded below) : 00000001
                            DVM Supported : 1
                            Coherent Walk : 0
[0004]            Global Interrupt Offset : 0000003C
[0004]            Context Interrupt Count : 00000000
[0004]           Context Interrupt Offset : 0000004C
[0004]                PMU Interrupt Count : 00000000
[0004]               PMU Interrupt Offset : 0000004C

[0004]                            NSgIrpt : 00000020
[0004]      NSgIrpt Flags (decoded below) : 00000001
                           Edge Triggered : 1
[0004]                         NSgCfgIrpt : 00000021
[0004]   NSgCfgIrpt Flags (decoded below) : 00000001
                           Edge Triggered : 1

[0004]                         Input base : 00000100
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00000100
[0004]                   Output Reference : 00000034
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

/* SMMUv3 (§3.1.1.7) at 0x138: COHACC override. */
[0001]                               Type : 04
[0002]                             Length : 0058
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000044

[0008]                       Base Address : 000000002B000000
[0004]              Flags (decoded below) : 00000001
                          COHACC Override : 1
                            HTTU Override : 0
                   Proximity Domain Valid : 0
[0004]                           Reserved : 00000000
[0008]                      VATOS Address : 0000000000000000
[0004]                              Model : 00000000
[0004]                         Event GSIV : 0000006A
[0004]                           PRI GSIV : 0000006B
[0004]                          GERR GSIV : 0000006F
[0004]                          Sync GSIV : 0000006D
[0004]                   Proximity Domain : 00000000
[0004]            Device ID Mapping Index : 00000000

[0004]                         Input base : 00000000
[0004]                           ID Count : 0000FFFF
[0004]                        Output Base : 00000000
[0004]                   Output Reference : 00000034
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

/* PMCG (§3.1.1.8) at 0x190, counting for the SMMUv3; a single mapping. */
[0001]                               Type : 05
[0002]                             Length : 003C
[0001]                           Revision : 01
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000001
[0004]                     Mapping Offset : 00000028

[0008]                Page 0 Base Address : 000000002B420000
[0004]            Overflow Interrupt GSIV : 00000000
[0004]                     Node Reference : 00000138
[0008]                Page 1 Base Address : 000000002B430000

[0004]                         Input base : 00000000
[0004]                           ID Count : 00000000
[0004]                        Output Base : 00020000
[0004]                   Output Reference : 00000034
[0004]              Flags (decoded below) : 00000001
                           Single Mapping : 1
