# Fills the marker line of a man page template with generated troff:
#   cmake -DTEMPLATE=... -DLESSONS=... -DOUT=... -P fill_man_page.cmake
cmake_minimum_required(VERSION 3.25)  # new policies: "@NAME@" is plain text, not a variable
file(READ ${TEMPLATE} page)
file(READ ${LESSONS} lessons)
string(REPLACE "@LESSONS@\n" "${lessons}" page "${page}")
file(WRITE ${OUT} "${page}")
