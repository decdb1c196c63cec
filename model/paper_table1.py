"""Table 1 of the paper (x2; PSNR dB / SSIM on Y), transcribed from ../shared/paper.md."""

PAPER_TABLE1 = {
    "EDSR": {
        "gflops": 45.1,
        "set5": {
            "psnr": 38.05,
            "ssim": 0.978
        },
        "set14": {
            "psnr": 33.57,
            "ssim": 0.966
        },
        "b100": {
            "psnr": 32.19,
            "ssim": 0.978
        },
        "urban100": {
            "psnr": 32.04,
            "ssim": 0.911
        }
    },
    "Base": {
        "gflops": 5.97,
        "set5": {
            "psnr": 37.61,
            "ssim": 0.975
        },
        "set14": {
            "psnr": 33.09,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.85,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.79,
            "ssim": 0.905
        }
    },
    "Base-Residual": {
        "gflops": 5.97,
        "set5": {
            "psnr": 37.6,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.07,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.85,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.8,
            "ssim": 0.905
        }
    },
    "RescalePre-Global": {
        "gflops": 8.11,
        "set5": {
            "psnr": 37.55,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.03,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.82,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.74,
            "ssim": 0.904
        }
    },
    "RescalePre-SE": {
        "gflops": 8.12,
        "set5": {
            "psnr": 37.32,
            "ssim": 0.974
        },
        "set14": {
            "psnr": 32.83,
            "ssim": 0.962
        },
        "b100": {
            "psnr": 31.64,
            "ssim": 0.976
        },
        "urban100": {
            "psnr": 30.14,
            "ssim": 0.902
        }
    },
    "RescalePre-Spatial": {
        "gflops": 8.14,
        "set5": {
            "psnr": 37.58,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.04,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.8,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.68,
            "ssim": 0.905
        }
    },
    "RescalePost-Global": {
        "gflops": 8.12,
        "set5": {
            "psnr": 37.65,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.12,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.88,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.88,
            "ssim": 0.906
        }
    },
    "RescalePost-SE": {
        "gflops": 8.12,
        "set5": {
            "psnr": 37.57,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.06,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.82,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.82,
            "ssim": 0.906
        }
    },
    "RescalePost-Spatial": {
        "gflops": 8.14,
        "set5": {
            "psnr": 37.63,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.12,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.86,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.86,
            "ssim": 0.906
        }
    },
    "Single-Spatial": {
        "gflops": 8.14,
        "set5": {
            "psnr": 37.64,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.11,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.87,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.84,
            "ssim": 0.906
        }
    },
    "Single-SE": {
        "gflops": 8.12,
        "set5": {
            "psnr": 37.62,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.08,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.85,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.87,
            "ssim": 0.906
        }
    },
    "Single-Global": {
        "gflops": 8.11,
        "set5": {
            "psnr": 37.62,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.12,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.87,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.85,
            "ssim": 0.906
        }
    },
    "Dual-SE-Spatial": {
        "gflops": 10.29,
        "set5": {
            "psnr": 37.61,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.09,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.84,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.83,
            "ssim": 0.906
        }
    },
    "Dual-Global-Spatial": {
        "gflops": 10.28,
        "set5": {
            "psnr": 37.65,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.09,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.85,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.85,
            "ssim": 0.907
        }
    },
    "Dual-SE-Global": {
        "gflops": 10.26,
        "set5": {
            "psnr": 37.57,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.07,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.84,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.83,
            "ssim": 0.906
        }
    },
    "Both-SE-SE": {
        "gflops": 10.27,
        "set5": {
            "psnr": 37.6,
            "ssim": 0.975
        },
        "set14": {
            "psnr": 33.1,
            "ssim": 0.963
        },
        "b100": {
            "psnr": 31.87,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 31.0,
            "ssim": 0.906
        }
    },
    "Both-SE-Spatial": {
        "gflops": 10.29,
        "set5": {
            "psnr": 37.63,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.15,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.89,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 31.02,
            "ssim": 0.907
        }
    },
    "Both-Spatial-SE": {
        "gflops": 10.29,
        "set5": {
            "psnr": 37.68,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.17,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.91,
            "ssim": 0.978
        },
        "urban100": {
            "psnr": 31.08,
            "ssim": 0.908
        }
    },
    "Both-Spatial-Spatial": {
        "gflops": 10.31,
        "set5": {
            "psnr": 37.68,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.18,
            "ssim": 0.965
        },
        "b100": {
            "psnr": 31.88,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.93,
            "ssim": 0.906
        }
    },
    "Both-Global-Global": {
        "gflops": 10.25,
        "set5": {
            "psnr": 37.66,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.17,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.91,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 31.01,
            "ssim": 0.907
        }
    },
    "Both-Global-Spatial": {
        "gflops": 10.28,
        "set5": {
            "psnr": 37.62,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.13,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.89,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.9,
            "ssim": 0.906
        }
    },
    "Both-Spatial-Global": {
        "gflops": 10.28,
        "set5": {
            "psnr": 37.65,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.16,
            "ssim": 0.965
        },
        "b100": {
            "psnr": 31.89,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.91,
            "ssim": 0.907
        }
    },
    "Both-Global-SE": {
        "gflops": 10.26,
        "set5": {
            "psnr": 37.62,
            "ssim": 0.975
        },
        "set14": {
            "psnr": 33.13,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.88,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 31.02,
            "ssim": 0.908
        }
    },
    "Both-SE-Global": {
        "gflops": 10.26,
        "set5": {
            "psnr": 37.63,
            "ssim": 0.977
        },
        "set14": {
            "psnr": 33.13,
            "ssim": 0.965
        },
        "b100": {
            "psnr": 31.87,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 31.0,
            "ssim": 0.907
        }
    },
    "BBCU": {
        "gflops": 6.0,
        "set5": {
            "psnr": 37.67,
            "ssim": 0.976
        },
        "set14": {
            "psnr": 33.14,
            "ssim": 0.964
        },
        "b100": {
            "psnr": 31.89,
            "ssim": 0.977
        },
        "urban100": {
            "psnr": 30.92,
            "ssim": 0.906
        }
    }
}

# Published MATLAB-bicubic x2 baselines (PSNR dB), the protocol check.
BICUBIC_X2 = {"set5": 33.66, "set14": 30.24, "b100": 29.56, "urban100": 26.88}
