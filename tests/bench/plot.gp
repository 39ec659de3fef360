# The report's plot: XDP_DROP with the DUT's CPU the scarce resource
# (section 2: QEMU's vCPU thread capped), per arm.
# gnuplot -e "data='plot.dat'; out='latest.svg'" tests/bench/plot.gp
# Columns of data (tests/bench/report.py): label, loss-free pps median, min,
# max, the vCPU thread's host ns per frame at that rate median, min, max.
set terminal svg size 1000,460 dynamic font "sans,11"
set output out
set termoption noenhanced
set multiplot layout 1,2 title "XDP_DROP, DUT-bound (vCPU capped; median, min-max over the rounds)"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set boxwidth 0.8
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set bmargin 5
set xtics scale 0 font ",8"
unset key
set title "highest loss-free rate, frames per second (higher is better)"
plot data using 2:3:4:xtic(1) linecolor rgb "#3572a5"
set title "vCPU thread host ns per frame at that rate (lower is better)"
plot data using 5:6:7:xtic(1) linecolor rgb "#c0504d"
unset multiplot
