// core_ram: one memory of neuron_core (no C++ twin: the C++ core's std::vectors play its part).
// One write port and one synchronous read port with a read enable, the shape Yosys maps onto
// block RAM (iCE40 SB_RAM40_4K) and any ASIC SRAM compiler offers. rdata holds its value while
// re is low; a read of the address written at the same edge returns the old word (the
// controller never does this). Contents are never initialised here: the harness loads every
// word through neuron_core's load port (no $readmemh in logic).
module core_ram #(
    parameter integer WIDTH     = 8,
    parameter integer ADDR_BITS = 4
) (
    input  wire                 clk,
    input  wire                 we,
    input  wire [ADDR_BITS-1:0] waddr,
    input  wire [WIDTH-1:0]     wdata,
    input  wire                 re,
    input  wire [ADDR_BITS-1:0] raddr,
    output reg  [WIDTH-1:0]     rdata
);
    // public_flat_rd: the Verilator harness reads state memories directly (lockstep observables),
    // which costs no extra port in the hardware.
    reg [WIDTH-1:0] mem [0:(1<<ADDR_BITS)-1] /*verilator public_flat_rd*/;

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        if (re) rdata <= mem[raddr];
    end
endmodule
