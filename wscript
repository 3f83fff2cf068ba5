# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
# distributed-learning for waf-era ns-3 trees (3.35 and older): copy this folder to
# contrib/distributed-learning (or src/) and ./waf configure --enable-examples --enable-tests.
#
# The file lists live once, in CMakeLists.txt (set(DL_... ) blocks); they are read from there.

import os
import re


def _cmake_lists(here):
    """Return {name: [files]} for every set(DL_<NAME> ...) block of here/CMakeLists.txt."""
    with open(os.path.join(here, 'CMakeLists.txt')) as f:
        text = f.read()
    lists = {}
    for name, body in re.findall(r'set\((DL_[A-Z0-9_]+)\s+([^)]*)\)', text):
        files = [w for w in body.split() if w.endswith(('.cc', '.h'))]
        if files:
            lists[name] = files
    return lists


def configure(conf):
    conf.check_cfg(package='eigen3', args=['--cflags'], uselib_store='EIGEN3', mandatory=True)
    conf.check(lib='z', uselib_store='ZLIB', mandatory=True)
    # The one place where ns-3 releases differ in this module's code is model/ns3-compat.h,
    # keyed on the release's minor number (ns-3.35: 35).
    version = conf.srcnode.find_node('VERSION').read().strip()
    conf.env.DL_NS3_MINOR = re.match(r'3\.(\d+)', version).group(1)


def build(bld):
    lists = _cmake_lists(bld.path.abspath())  # waf runs this file without __file__
    defines = ['DL_NS3_MINOR=' + bld.env.DL_NS3_MINOR]
    enabled = bld.env['NS3_ENABLED_MODULES']
    # csma, point-to-point-layout and flow-monitor: the test suites build their own networks
    # with them and count with FlowMonitor.
    module = bld.create_ns3_module('distributed-learning',
                                   ['core', 'network', 'internet', 'point-to-point',
                                    'applications', 'traffic-control', 'csma',
                                    'point-to-point-layout', 'flow-monitor'])
    module.source = (lists['DL_TRAINER_SOURCES'] + lists['DL_BACKEND_SOURCES']
                     + lists['DL_NS3_SOURCES'])
    module.use.extend(['EIGEN3', 'ZLIB'])
    module.defines = defines

    module_test = bld.create_ns3_module_test_library('distributed-learning')
    module_test.source = lists['DL_NS3_TEST_SOURCES']
    module_test.defines = defines

    headers = bld(features='ns3header')
    headers.module = 'distributed-learning'
    headers.source = (lists['DL_TRAINER_HEADERS'] + lists['DL_BACKEND_HEADERS']
                      + lists['DL_NS3_HEADERS'])

    if bld.env.ENABLE_EXAMPLES:
        examples = [('dl-train', []), ('dl-minimal', []), ('dl-own-algorithm', []),
                    ('dl-two-jobs', ['flow-monitor']),
                    ('dl-colocation', []),
                    ('dl-custom-network', ['csma', 'wifi', 'mobility', 'point-to-point-layout'])]
        for name, needs in examples:
            if all('ns3-' + m in enabled for m in needs):
                program = bld.create_ns3_program(name, ['distributed-learning'] + needs)
                program.source = 'examples/%s.cc' % name
                program.defines = defines
