"""The peer benchmark (pbmeasure.py) with each memory sample also split per
process of the tree (`by_process`: PSS in MiB by process name: the core
`hearth`, `WebKitWebProces`, `WebKitNetworkP`), so a change in idle memory
can be traced to the process that made it.

Run by `run.sh REPS K --split`; arguments are pbmeasure's.
"""

import sys

import pbmeasure as pm
from catchup import mem_by_process

whole_tree = pm.tree_mem


def split_tree_mem(root):
    return whole_tree(root) | {'by_process': mem_by_process(root)}


pm.tree_mem = split_tree_mem

if __name__ == '__main__':
    pm.main()
